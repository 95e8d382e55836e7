namespace BpfChannels;

/// <summary>Flags given to a map at creation (map_flags of BPF_MAP_CREATE).</summary>
[Flags]
public enum BpfMapFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>BPF_F_NO_PREALLOC: allocate hash elements on demand (required for LPM tries).</summary>
    NoPrealloc = 1u << 0,

    /// <summary>BPF_F_NO_COMMON_LRU: one LRU list per CPU instead of a common one.</summary>
    NoCommonLru = 1u << 1,

    /// <summary>BPF_F_NUMA_NODE: honour the NUMA node attribute.</summary>
    NumaNode = 1u << 2,

    /// <summary>BPF_F_RDONLY: user space may only read.</summary>
    ReadOnly = 1u << 3,

    /// <summary>BPF_F_WRONLY: user space may only write.</summary>
    WriteOnly = 1u << 4,

    /// <summary>BPF_F_STACK_BUILD_ID: stack trace maps store build ids.</summary>
    StackBuildId = 1u << 5,

    /// <summary>BPF_F_ZERO_SEED: zero the hash seed (for tests only).</summary>
    ZeroSeed = 1u << 6,

    /// <summary>BPF_F_RDONLY_PROG: programs may only read.</summary>
    ReadOnlyProgram = 1u << 7,

    /// <summary>BPF_F_WRONLY_PROG: programs may only write.</summary>
    WriteOnlyProgram = 1u << 8,

    /// <summary>BPF_F_CLONE: clone local storage on fork.</summary>
    Clone = 1u << 9,

    /// <summary>BPF_F_MMAPABLE: the array can be memory-mapped into user space (5.5).</summary>
    Mmapable = 1u << 10,

    /// <summary>BPF_F_PRESERVE_ELEMS: keep perf event array entries when the fd is closed (5.10).</summary>
    PreserveElements = 1u << 11,

    /// <summary>BPF_F_INNER_MAP: an inner map template whose max_entries may differ (5.10).</summary>
    InnerMap = 1u << 12,

    /// <summary>BPF_F_LINK: the object is a link (6.4).</summary>
    Link = 1u << 13,

    /// <summary>BPF_F_PATH_FD: the pathname is relative to path_fd (6.5).</summary>
    PathFd = 1u << 14,

    /// <summary>BPF_F_VTYPE_BTF_OBJ_FD: the value type comes from a module BTF (6.9).</summary>
    ValueTypeBtfObjectFd = 1u << 15,

    /// <summary>BPF_F_TOKEN_FD: created through a BPF token (6.9).</summary>
    TokenFd = 1u << 16,

    /// <summary>BPF_F_SEGV_ON_FAULT: arena faults raise SIGSEGV (6.9).</summary>
    SegvOnFault = 1u << 17,

    /// <summary>BPF_F_NO_USER_CONV: arena pointers are not converted (6.9).</summary>
    NoUserConversion = 1u << 18,
}
