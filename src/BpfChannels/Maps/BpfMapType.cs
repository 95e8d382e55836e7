namespace BpfChannels;

/// <summary>The kind of a BPF map (enum bpf_map_type).</summary>
/// <remarks>Minimum kernel versions are those of the map type's introduction upstream.</remarks>
public enum BpfMapType
{
    /// <summary>Not a valid map type.</summary>
    Unspecified = 0,

    /// <summary>Hash table (3.19).</summary>
    Hash = 1,

    /// <summary>Array indexed by a u32, preallocated and zero-filled; elements cannot be deleted (3.19).</summary>
    Array = 2,

    /// <summary>Array of program descriptors for tail calls (4.2).</summary>
    ProgramArray = 3,

    /// <summary>Per-CPU perf event ring buffers (4.3).</summary>
    PerfEventArray = 4,

    /// <summary>Hash table with one value per possible CPU (4.6).</summary>
    PerCpuHash = 5,

    /// <summary>Array with one value per possible CPU (4.6).</summary>
    PerCpuArray = 6,

    /// <summary>Stack traces captured by bpf_get_stackid (4.6).</summary>
    StackTrace = 7,

    /// <summary>Array of cgroup descriptors (4.8).</summary>
    CgroupArray = 8,

    /// <summary>Hash table that evicts the least recently used entry when full (4.10).</summary>
    LruHash = 9,

    /// <summary>LRU hash table with one value per possible CPU (4.10).</summary>
    LruPerCpuHash = 10,

    /// <summary>Longest-prefix-match trie; keys are a u32 prefix length followed by data (4.11).</summary>
    LpmTrie = 11,

    /// <summary>Array whose values are inner maps (4.12).</summary>
    ArrayOfMaps = 12,

    /// <summary>Hash table whose values are inner maps (4.12).</summary>
    HashOfMaps = 13,

    /// <summary>Network devices for XDP redirect (4.14).</summary>
    DevMap = 14,

    /// <summary>Sockets for redirect (4.14).</summary>
    SockMap = 15,

    /// <summary>CPUs for XDP redirect (4.15).</summary>
    CpuMap = 16,

    /// <summary>AF_XDP sockets (4.18).</summary>
    XskMap = 17,

    /// <summary>Sockets keyed by hash (4.18).</summary>
    SockHash = 18,

    /// <summary>Cgroup local storage, deprecated in favour of <see cref="CgroupStorageLocal"/> (4.19).</summary>
    CgroupStorage = 19,

    /// <summary>SO_REUSEPORT socket selection (4.19).</summary>
    ReuseportSockArray = 20,

    /// <summary>Per-CPU cgroup local storage (4.20).</summary>
    PerCpuCgroupStorage = 21,

    /// <summary>FIFO queue; key size 0, values pushed and popped (4.20).</summary>
    Queue = 22,

    /// <summary>LIFO stack; key size 0, values pushed and popped (4.20).</summary>
    Stack = 23,

    /// <summary>Socket local storage; needs BTF (5.2).</summary>
    SkStorage = 24,

    /// <summary>Network devices keyed by hash (5.4).</summary>
    DevMapHash = 25,

    /// <summary>Kernel struct_ops implementations (5.6).</summary>
    StructOps = 26,

    /// <summary>Multi-producer single-consumer ring buffer shared with user space (5.8).</summary>
    RingBuffer = 27,

    /// <summary>Inode local storage; needs BTF (5.10).</summary>
    InodeStorage = 28,

    /// <summary>Task local storage; needs BTF (5.11).</summary>
    TaskStorage = 29,

    /// <summary>Bloom filter; key size 0 (5.16).</summary>
    BloomFilter = 30,

    /// <summary>Ring buffer written by user space and drained by a program (6.1).</summary>
    UserRingBuffer = 31,

    /// <summary>Cgroup local storage keyed by cgroup descriptor; needs BTF (6.2).</summary>
    CgroupStorageLocal = 32,

    /// <summary>Sparse shared memory region between programs and user space (6.9).</summary>
    Arena = 33,
}
