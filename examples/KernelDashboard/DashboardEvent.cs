using System.Text.Json;
using System.Text.Json.Serialization;
using BpfChannels;

namespace KernelDashboard;

/// <summary>One map change as the page receives it in a server-sent event.</summary>
/// <param name="Kind">added, updated or removed.</param>
/// <param name="Syscall">The system call number (the map's key).</param>
/// <param name="Name">Its name, when <see cref="SyscallTable"/> knows it.</param>
/// <param name="Count">The count the program has reached (the map's value).</param>
/// <param name="Previous">The count before this change.</param>
public sealed record DashboardEvent(string Kind, uint Syscall, string? Name, ulong Count, ulong Previous)
{
    public static DashboardEvent From(MapChange<uint, ulong> change) => new(
        change.Kind switch
        {
            MapChangeKind.Added => "added",
            MapChangeKind.Updated => "updated",
            _ => "removed",
        },
        change.Key,
        SyscallTable.NameOf(change.Key),
        change.Value,
        change.PreviousValue);
}

/// <summary>The body of <c>POST /watch</c>.</summary>
/// <param name="Syscall">A system call number or name.</param>
public sealed record WatchRequest(string? Syscall);

/// <summary>The outcome of a watch or unwatch, as JSON; <see cref="Error"/> is the errno name when the kernel refused.</summary>
public sealed record WatchResponse(uint? Syscall, string? Name, string? Error, string Message);

/// <summary>Source-generated JSON for the page's payloads (no reflection, so the app publishes with Native AOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DashboardEvent))]
[JsonSerializable(typeof(WatchRequest))]
[JsonSerializable(typeof(WatchResponse))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
