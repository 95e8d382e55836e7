namespace BpfChannels;

/// <summary>How <see cref="BpfMap.ReadSnapshot"/> reads the whole map.</summary>
public enum BpfMapReadStrategy
{
    /// <summary>The cheapest the map allows: the memory mapping of an Mmapable array, else batch lookup, else get_next_key.</summary>
    Auto,

    /// <summary>Copy out of the memory mapping (Mmapable arrays only): no syscall at all.</summary>
    MemoryMapped,

    /// <summary>BPF_MAP_LOOKUP_BATCH, growing the buffer on ENOSPC.</summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    Batch,

    /// <summary>BPF_MAP_GET_NEXT_KEY plus a lookup per key, surviving concurrent deletion.</summary>
    GetNextKey,
}
