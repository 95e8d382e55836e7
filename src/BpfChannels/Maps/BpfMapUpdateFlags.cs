namespace BpfChannels;

/// <summary>How an update treats an existing or missing key (BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK).</summary>
[Flags]
public enum BpfMapUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create the element or update it.</summary>
    Any = 0,

    /// <summary>BPF_NOEXIST: create the element only if it does not exist; EEXIST otherwise.</summary>
    NoExist = 1,

    /// <summary>BPF_EXIST: update the element only if it exists; ENOENT otherwise.</summary>
    Exist = 2,

    /// <summary>BPF_F_LOCK: take the value's bpf_spin_lock while copying (combine with one of the above).</summary>
    Lock = 4,
}
