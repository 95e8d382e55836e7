namespace BpfChannels;

/// <summary>Flags for lookups.</summary>
[Flags]
public enum BpfMapLookupFlags : ulong
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>BPF_F_LOCK: take the value's bpf_spin_lock while copying it out.</summary>
    /// <remarks>Requires Linux 5.1 or later.</remarks>
    Lock = 4,
}
