namespace BpfChannels;

/// <summary>What a re-list found: raised by <see cref="MapChannel.Relisted"/> after the first poll of a new map.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class MapChannelRelistedEventArgs : EventArgs
{
    /// <summary>Creates the arguments of one re-list.</summary>
    /// <param name="previousMapId">The id of the map read before (0 when there was none, or it was an in-memory twin without an id).</param>
    /// <param name="mapId">The id of the map read now.</param>
    /// <param name="changes">How many Added/Updated/Removed changes the re-list delivered.</param>
    /// <param name="entries">How many entries the new map holds.</param>
    public MapChannelRelistedEventArgs(uint previousMapId, uint mapId, int changes, int entries)
    {
        PreviousMapId = previousMapId;
        MapId = mapId;
        Changes = changes;
        Entries = entries;
    }

    /// <summary>The id of the map the channel read before the re-list, or 0 when it had none.</summary>
    public uint PreviousMapId { get; }

    /// <summary>The id of the map the channel reads now.</summary>
    public uint MapId { get; }

    /// <summary>How many changes the re-list delivered: the differences between the last state and the new map.</summary>
    public int Changes { get; }

    /// <summary>How many entries the new map holds.</summary>
    public int Entries { get; }
}
