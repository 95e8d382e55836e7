namespace BpfChannels;

/// <summary>The kind of a BPF map (enum bpf_map_type).</summary>
/// <remarks>Minimum kernel versions are those of the map type's introduction upstream.</remarks>
public enum BpfMapType
{
    /// <summary>Not a valid map type.</summary>
    Unspecified = 0,

    /// <summary>Hash table.</summary>
    /// <remarks>Requires Linux 3.19 or later.</remarks>
    Hash = 1,

    /// <summary>Array indexed by a u32, preallocated and zero-filled; elements cannot be deleted.</summary>
    /// <remarks>Requires Linux 3.19 or later.</remarks>
    Array = 2,

    /// <summary>Array of program descriptors for tail calls.</summary>
    /// <remarks>Requires Linux 4.2 or later.</remarks>
    ProgramArray = 3,

    /// <summary>Per-CPU perf event ring buffers.</summary>
    /// <remarks>Requires Linux 4.3 or later.</remarks>
    PerfEventArray = 4,

    /// <summary>Hash table with one value per possible CPU.</summary>
    /// <remarks>Requires Linux 4.6 or later.</remarks>
    PerCpuHash = 5,

    /// <summary>Array with one value per possible CPU.</summary>
    /// <remarks>Requires Linux 4.6 or later.</remarks>
    PerCpuArray = 6,

    /// <summary>Stack traces captured by bpf_get_stackid.</summary>
    /// <remarks>Requires Linux 4.6 or later.</remarks>
    StackTrace = 7,

    /// <summary>Array of cgroup descriptors.</summary>
    /// <remarks>Requires Linux 4.8 or later.</remarks>
    CgroupArray = 8,

    /// <summary>Hash table that evicts the least recently used entry when full.</summary>
    /// <remarks>Requires Linux 4.10 or later.</remarks>
    LruHash = 9,

    /// <summary>LRU hash table with one value per possible CPU.</summary>
    /// <remarks>Requires Linux 4.10 or later.</remarks>
    LruPerCpuHash = 10,

    /// <summary>Longest-prefix-match trie; keys are a u32 prefix length followed by data.</summary>
    /// <remarks>Requires Linux 4.11 or later.</remarks>
    LpmTrie = 11,

    /// <summary>Array whose values are inner maps.</summary>
    /// <remarks>Requires Linux 4.12 or later.</remarks>
    ArrayOfMaps = 12,

    /// <summary>Hash table whose values are inner maps.</summary>
    /// <remarks>Requires Linux 4.12 or later.</remarks>
    HashOfMaps = 13,

    /// <summary>Network devices for XDP redirect.</summary>
    /// <remarks>Requires Linux 4.14 or later.</remarks>
    DevMap = 14,

    /// <summary>Sockets for redirect.</summary>
    /// <remarks>Requires Linux 4.14 or later.</remarks>
    SockMap = 15,

    /// <summary>CPUs for XDP redirect.</summary>
    /// <remarks>Requires Linux 4.15 or later.</remarks>
    CpuMap = 16,

    /// <summary>AF_XDP sockets.</summary>
    /// <remarks>Requires Linux 4.18 or later.</remarks>
    XskMap = 17,

    /// <summary>Sockets keyed by hash.</summary>
    /// <remarks>Requires Linux 4.18 or later.</remarks>
    SockHash = 18,

    /// <summary>Cgroup local storage, deprecated in favour of <see cref="CgroupStorageLocal"/>.</summary>
    /// <remarks>Requires Linux 4.19 or later.</remarks>
    CgroupStorage = 19,

    /// <summary>SO_REUSEPORT socket selection.</summary>
    /// <remarks>Requires Linux 4.19 or later.</remarks>
    ReuseportSockArray = 20,

    /// <summary>Per-CPU cgroup local storage.</summary>
    /// <remarks>Requires Linux 4.20 or later.</remarks>
    PerCpuCgroupStorage = 21,

    /// <summary>FIFO queue; key size 0, values pushed and popped.</summary>
    /// <remarks>Requires Linux 4.20 or later.</remarks>
    Queue = 22,

    /// <summary>LIFO stack; key size 0, values pushed and popped.</summary>
    /// <remarks>Requires Linux 4.20 or later.</remarks>
    Stack = 23,

    /// <summary>Socket local storage; needs BTF.</summary>
    /// <remarks>Requires Linux 5.2 or later.</remarks>
    SkStorage = 24,

    /// <summary>Network devices keyed by hash.</summary>
    /// <remarks>Requires Linux 5.4 or later.</remarks>
    DevMapHash = 25,

    /// <summary>Kernel struct_ops implementations.</summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    StructOps = 26,

    /// <summary>Multi-producer single-consumer ring buffer shared with user space.</summary>
    /// <remarks>Requires Linux 5.8 or later.</remarks>
    RingBuffer = 27,

    /// <summary>Inode local storage; needs BTF.</summary>
    /// <remarks>Requires Linux 5.10 or later.</remarks>
    InodeStorage = 28,

    /// <summary>Task local storage; needs BTF.</summary>
    /// <remarks>Requires Linux 5.11 or later.</remarks>
    TaskStorage = 29,

    /// <summary>Bloom filter; key size 0.</summary>
    /// <remarks>Requires Linux 5.16 or later.</remarks>
    BloomFilter = 30,

    /// <summary>Ring buffer written by user space and drained by a program.</summary>
    /// <remarks>Requires Linux 6.1 or later.</remarks>
    UserRingBuffer = 31,

    /// <summary>Cgroup local storage keyed by cgroup descriptor; needs BTF.</summary>
    /// <remarks>Requires Linux 6.2 or later.</remarks>
    CgroupStorageLocal = 32,

    /// <summary>Sparse shared memory region between programs and user space.</summary>
    /// <remarks>Requires Linux 6.9 or later.</remarks>
    Arena = 33,
}
