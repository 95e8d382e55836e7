using System.Text.Json.Serialization;

namespace BpfChannels;

/// <summary>What a <see cref="MapWrite{TKey, TValue}"/> does.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MapWriteKind>))]
public enum MapWriteKind
{
    /// <summary>Creates or replaces an entry, as the write's <see cref="BpfMapUpdateFlags"/> allow (BPF_MAP_UPDATE_ELEM).</summary>
    Update,

    /// <summary>Deletes an entry (BPF_MAP_DELETE_ELEM).</summary>
    Delete,
}
