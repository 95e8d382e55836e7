namespace BpfChannels;

/// <summary>How a <see cref="MapChannel{TKey, TValue}"/> finds out what changed in its map.</summary>
public enum MapChannelMode
{
    /// <summary>Each poll reads the whole map and compares it with the previous read (any map, any writer).</summary>
    Polled,

    /// <summary>
    /// The map's programs publish change notices (the <c>bpfchan_update</c>, <c>bpfchan_delete</c> and <c>bpfchan_touch</c>
    /// wrappers of <c>bpfchannels.h</c>) to a change ring that a <see cref="MapChangeNotifier"/> reads: the channel reads just
    /// the keys it is told about, and a full reconciliation every <see cref="MapChannelOptions.ReconcileInterval"/> (and at
    /// once when notices were lost) catches writes that did not go through the wrappers. Kernel 5.8 (ring buffers).
    /// </summary>
    Notified,
}
