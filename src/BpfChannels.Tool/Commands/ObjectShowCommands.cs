using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary><c>prog show</c> and <c>link show</c>: programs and links, in bpftool's text and JSON shapes.</summary>
internal static class ObjectShowCommands
{
    public static Task<int> Programs(CommandContext context, CancellationToken cancellationToken)
    {
        Dictionary<uint, List<string>>? pins = context.ShowPins ? MapShowCommand.FindPins(path => Id(BpfProgramInfo.OpenPinned(path), h => BpfProgramInfo.FromHandle(h).Id)) : null;
        Show(context, "program", BpfProgramInfo.GetAllIds, BpfProgramInfo.OpenById, BpfProgramInfo.OpenPinned, (json, handle) => WriteProgram(context, json, handle, pins), allowName: true);
        return Task.FromResult(ExitCodes.Success);
    }

    public static Task<int> Links(CommandContext context, CancellationToken cancellationToken)
    {
        Dictionary<uint, List<string>>? pins = context.ShowPins ? MapShowCommand.FindPins(path => Id(BpfLinkInfo.OpenPinned(path), h => BpfLinkInfo.FromHandle(h).Id)) : null;
        Show(context, "link", BpfLinkInfo.GetAllIds, BpfLinkInfo.OpenById, BpfLinkInfo.OpenPinned, (json, handle) => WriteLink(context, json, handle, pins), allowName: false);
        return Task.FromResult(ExitCodes.Success);
    }

    private static uint Id(BpfHandle handle, Func<BpfHandle, uint> read)
    {
        using (handle)
        {
            return read(handle);
        }
    }

    /// <summary>Every object, or the ones named (id N, pinned PATH, name NAME for programs), as bpftool lists them.</summary>
    private static void Show(CommandContext context, string kind, Func<IReadOnlyList<uint>> ids, Func<uint, BpfHandle> open, Func<string, BpfHandle> openPinned, Action<Utf8JsonWriter?, BpfHandle> write, bool allowName)
    {
        Words words = context.Words;
        var handles = new List<BpfHandle>();
        bool subset = !words.AtEnd;
        try
        {
            if (subset)
            {
                string word = words.Next($"a {kind}");
                switch (word)
                {
                    case "id":
                        string text = words.Next($"a {kind} id");
                        handles.Add(Open(kind, open, Words.TryParseNumber(text, out ulong id) && id is > 0 and <= uint.MaxValue ? (uint)id : throw new UsageException($"'{text}' is not a {kind} id.")));
                        break;
                    case "pinned":
                        string path = words.Next("a pin path");
                        handles.Add(File.Exists(path) ? openPinned(path) : throw new NotFoundException($"Nothing is pinned at {path}."));
                        break;
                    case "name" when allowName:
                        string name = words.Next("a program name");
                        foreach (uint candidate in ids())
                        {
                            BpfHandle handle = open(candidate);
                            if (BpfProgramInfo.FromHandle(handle).Name == name)
                            {
                                handles.Add(handle);
                            }
                            else
                            {
                                handle.Dispose();
                            }
                        }

                        if (handles.Count == 0)
                        {
                            throw new NotFoundException($"No program is named '{name}'.");
                        }

                        break;
                    default:
                        throw new UsageException($"Expected 'id'{(allowName ? ", 'name'" : string.Empty)} or 'pinned' to name a {kind}, got '{word}'.");
                }
            }

            words.ExpectEnd(context.Name);
            bool array = !subset || handles.Count > 1;
            using JsonOutput? output = context.Json ? context.OpenJson() : null;
            if (array)
            {
                output?.Writer.WriteStartArray();
            }

            if (subset)
            {
                foreach (BpfHandle handle in handles)
                {
                    write(output?.Writer, handle);
                }
            }
            else
            {
                foreach (uint id in ids())
                {
                    BpfHandle handle;
                    try
                    {
                        handle = open(id);
                    }
                    catch (BpfException e) when (e.Error == BpfError.NotFound)
                    {
                        continue; // gone between listing and opening
                    }

                    using (handle)
                    {
                        write(output?.Writer, handle);
                    }
                }
            }

            if (array)
            {
                output?.Writer.WriteEndArray();
            }

            output?.Complete();
        }
        finally
        {
            foreach (BpfHandle handle in handles)
            {
                handle.Dispose();
            }
        }
    }

    private static BpfHandle Open(string kind, Func<uint, BpfHandle> open, uint id)
    {
        try
        {
            return open(id);
        }
        catch (BpfException e) when (e.Error == BpfError.NotFound)
        {
            throw new NotFoundException($"No {kind} has id {id}.");
        }
    }

    private static void WriteProgram(CommandContext context, Utf8JsonWriter? json, BpfHandle handle, Dictionary<uint, List<string>>? pins)
    {
        BpfProgramInfo info = BpfProgramInfo.FromHandle(handle);
        string name = FullName(info);
        string? type = KernelNames.ProgramType((long)info.Type);
        long? memlock = info.MemoryLockedBytes;
        List<string>? paths = pins is null || pins.Count == 0 ? null : pins.GetValueOrDefault(info.Id) ?? [];
        long loadedAt = LoadedAt(info.LoadTime);
        if (json is not null)
        {
            json.WriteStartObject();
            json.WriteNumber("id", info.Id);
            KernelNames.WriteType(json, "type", type, (long)info.Type);
            if (name.Length > 0)
            {
                json.WriteString("name", name);
            }

            json.WriteString("tag", info.Tag);
            json.WriteBoolean("gpl_compatible", info.IsGplCompatible);
            if (info.RunTimeNanoseconds != 0)
            {
                json.WriteNumber("run_time_ns", info.RunTimeNanoseconds);
                json.WriteNumber("run_cnt", info.RunCount);
            }

            if (info.RecursionMisses != 0)
            {
                json.WriteNumber("recursion_misses", info.RecursionMisses);
            }

            if (info.InterfaceIndex != 0)
            {
                json.WriteStartObject("dev");
                json.WriteNumber("ifindex", info.InterfaceIndex);
                json.WriteEndObject();
            }

            if (info.LoadTime != 0)
            {
                json.WriteNumber("loaded_at", loadedAt);
                json.WriteNumber("uid", info.CreatedByUid);
            }

            json.WriteNumber("bytes_xlated", info.TranslatedSize);
            json.WriteBoolean("jited", info.JitedSize != 0);
            if (info.JitedSize != 0)
            {
                json.WriteNumber("bytes_jited", info.JitedSize);
            }

            if (memlock is { } bytes)
            {
                json.WriteNumber("bytes_memlock", bytes);
            }

            if (info.MapIds.Count > 0)
            {
                json.WriteStartArray("map_ids");
                foreach (uint map in info.MapIds)
                {
                    json.WriteNumberValue(map);
                }

                json.WriteEndArray();
            }

            if (info.BtfId != 0)
            {
                json.WriteNumber("btf_id", info.BtfId);
            }

            WritePins(json, paths);
            json.WriteEndObject();
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{info.Id}: {type ?? "type " + ((int)info.Type).ToString(CultureInfo.InvariantCulture)}  ");
        text.Append(name.Length > 0 ? $"name {name}  " : string.Empty).Append("tag ").Append(info.Tag).Append(info.IsGplCompatible ? "  gpl" : string.Empty);
        if (info.LoadTime != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\tloaded_at {DateTimeOffset.FromUnixTimeSeconds(loadedAt).ToLocalTime():yyyy-MM-ddTHH:mm:sszzz}  uid {info.CreatedByUid}");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n\txlated {info.TranslatedSize}B  {(info.JitedSize != 0 ? $"jited {info.JitedSize}B" : "not jited")}");
        text.Append(memlock is { } memory ? $"  memlock {memory}B" : string.Empty);
        text.Append(info.MapIds.Count > 0 ? "  map_ids " + string.Join(',', info.MapIds) : string.Empty);
        foreach (string path in paths ?? [])
        {
            text.Append("\n\tpinned ").Append(path);
        }

        text.Append(info.BtfId != 0 ? $"\n\tbtf_id {info.BtfId}" : string.Empty);
        context.Out.WriteLine(text.ToString());
    }

    private static void WriteLink(CommandContext context, Utf8JsonWriter? json, BpfHandle handle, Dictionary<uint, List<string>>? pins)
    {
        BpfLinkInfo info = BpfLinkInfo.FromHandle(handle);
        string? type = KernelNames.LinkType(info.Type);
        List<string>? paths = pins is null || pins.Count == 0 ? null : pins.GetValueOrDefault(info.Id) ?? [];
        var fields = new List<(string Name, object Value)>();
        if (info.TracepointName is { } tracepoint)
        {
            fields.Add(("tp_name", tracepoint));
        }

        if (info.Type == 2)
        {
            // bpftool shows a tracing link's program type, read from the program.
            using BpfHandle program = BpfProgramInfo.OpenById(info.ProgramId);
            BpfProgramType programType = BpfProgramInfo.FromHandle(program).Type;
            fields.Add(("prog_type", (object?)KernelNames.ProgramType((long)programType) ?? (long)programType));
        }

        if (info.IteratorTarget is { } target)
        {
            fields.Add(("target_name", target));
            if (info.IteratorMapId is { } map)
            {
                fields.Add(("map_id", (long)map));
            }
        }

        if (info.CgroupId is { } cgroup)
        {
            fields.Add(("cgroup_id", (long)cgroup));
        }

        if (info.NetnsInode is { } netns)
        {
            fields.Add(("netns_ino", (long)netns));
        }

        if (info.AttachType is { } attach)
        {
            fields.Add(("attach_type", (object?)KernelNames.AttachType(attach) ?? (long)attach));
        }

        if (json is not null)
        {
            json.WriteStartObject();
            json.WriteNumber("id", info.Id);
            KernelNames.WriteType(json, "type", type, info.Type);
            json.WriteNumber("prog_id", info.ProgramId);
            foreach ((string field, object value) in fields)
            {
                if (value is string s)
                {
                    json.WriteString(field, s);
                }
                else
                {
                    json.WriteNumber(field, (long)value);
                }
            }

            WritePins(json, paths);
            json.WriteEndObject();
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{info.Id}: {type ?? "type " + info.Type.ToString(CultureInfo.InvariantCulture)}  prog {info.ProgramId}");
        foreach ((string field, object value) in fields)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {field} {value}");
        }

        foreach (string path in paths ?? [])
        {
            text.Append("\n\tpinned ").Append(path);
        }

        context.Out.WriteLine(text.ToString());
    }

    private static void WritePins(Utf8JsonWriter json, List<string>? paths)
    {
        if (paths is not null)
        {
            json.WriteStartArray("pinned");
            foreach (string path in paths)
            {
                json.WriteStringValue(path);
            }

            json.WriteEndArray();
        }
    }

    /// <summary>The name the kernel cuts at 15 characters, made whole from the program's BTF as bpftool does.</summary>
    private static string FullName(BpfProgramInfo info)
    {
        if (info.Name.Length < 15 || info.BtfId == 0 || info.BtfFunctionTypeId == 0)
        {
            return info.Name;
        }

        try
        {
            using BpfBtf btf = BpfBtf.OpenById(info.BtfId);
            return new BtfFormatter(btf.GetRawData()).TypeName(info.BtfFunctionTypeId) ?? info.Name;
        }
        catch (Exception e) when (e is BpfException or InvalidDataException)
        {
            return info.Name;
        }
    }

    /// <summary>Load time (ns since boot) as Unix seconds: the wall clock less the time since boot, as bpftool computes it.</summary>
    private static long LoadedAt(ulong loadTime)
    {
        // CLOCK_MONOTONIC (Stopwatch) stands in for CLOCK_BOOTTIME: they differ only by time spent suspended.
        long now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        long sinceBoot = (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));
        return (now - sinceBoot + (long)loadTime) / 1_000_000_000;
    }
}
