using System.Text.Json.Serialization;

namespace BpfChannels;

/// <summary>What happened to a map entry between two polls.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MapChangeKind>))]
public enum MapChangeKind
{
    /// <summary>The key appeared (or is listed to a new subscriber as part of the current state).</summary>
    Added,

    /// <summary>The key's value changed; the previous value is known.</summary>
    Updated,

    /// <summary>The key disappeared; its last known value is the previous value.</summary>
    Removed,
}
