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

    /// <summary>BPF_F_MMAPABLE: the array can be memory-mapped into user space.</summary>
    /// <remarks>Requires Linux 5.5 or later.</remarks>
    Mmapable = 1u << 10,

    /// <summary>BPF_F_PRESERVE_ELEMS: keep perf event array entries when the fd is closed.</summary>
    /// <remarks>Requires Linux 5.10 or later.</remarks>
    PreserveElements = 1u << 11,

    /// <summary>BPF_F_INNER_MAP: an inner map template whose max_entries may differ.</summary>
    /// <remarks>Requires Linux 5.10 or later.</remarks>
    InnerMap = 1u << 12,

    /// <summary>BPF_F_LINK: the object is a link.</summary>
    /// <remarks>Requires Linux 6.4 or later.</remarks>
    Link = 1u << 13,

    /// <summary>BPF_F_PATH_FD: the pathname is relative to path_fd.</summary>
    /// <remarks>Requires Linux 6.5 or later.</remarks>
    PathFd = 1u << 14,

    /// <summary>BPF_F_VTYPE_BTF_OBJ_FD: the value type comes from a module BTF.</summary>
    /// <remarks>Requires Linux 6.9 or later.</remarks>
    ValueTypeBtfObjectFd = 1u << 15,

    /// <summary>BPF_F_TOKEN_FD: created through a BPF token.</summary>
    /// <remarks>Requires Linux 6.9 or later.</remarks>
    TokenFd = 1u << 16,

    /// <summary>BPF_F_SEGV_ON_FAULT: arena faults raise SIGSEGV.</summary>
    /// <remarks>Requires Linux 6.9 or later.</remarks>
    SegvOnFault = 1u << 17,

    /// <summary>BPF_F_NO_USER_CONV: arena pointers are not converted.</summary>
    /// <remarks>Requires Linux 6.9 or later.</remarks>
    NoUserConversion = 1u << 18,
}
