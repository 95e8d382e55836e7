using System.Runtime.CompilerServices;

namespace BpfChannels;

/// <summary>
/// Creates maps of one backend: <see cref="Kernel"/> for real BPF maps, <see cref="InMemory"/> for the
/// in-memory twin with the kernel's semantics. Code that takes a factory can be unit-tested without root.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public abstract class BpfMapFactory
{
    private protected BpfMapFactory()
    {
    }

    /// <summary>Creates maps in the kernel (needs CAP_BPF or root).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMapFactory Kernel { get; } = new KernelBpfMapFactory();

    /// <summary>Creates in-memory twins of kernel maps (no privileges needed).</summary>
    public static BpfMapFactory InMemory { get; } = new InMemoryBpfMapFactory();

    /// <summary>Whether this factory creates in-memory twins.</summary>
    public abstract bool IsInMemory { get; }

    /// <summary>Creates a map from a full spec.</summary>
    /// <param name="spec">The attributes.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentException">The spec is invalid (checked before any syscall).</exception>
    /// <exception cref="BpfException">EINVAL, EPERM, ENOMEM or another kernel error.</exception>
    public abstract BpfMap Create(BpfMapSpec spec);

    /// <summary>Creates a hash map.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="maxEntries">Maximum number of entries.</param>
    /// <param name="flags">Creation flags.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The typed map.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMap<TKey, TValue> CreateHash<TKey, TValue>(int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TKey : unmanaged
        where TValue : unmanaged
        => Typed<TKey, TValue>(BpfMapType.Hash, maxEntries, flags, name);

    /// <summary>Creates an LRU hash map: when full, an update evicts the least recently used entry.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="maxEntries">Maximum number of entries.</param>
    /// <param name="flags">Creation flags.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The typed map.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMap<TKey, TValue> CreateLruHash<TKey, TValue>(int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TKey : unmanaged
        where TValue : unmanaged
        => Typed<TKey, TValue>(BpfMapType.LruHash, maxEntries, flags, name);

    /// <summary>Creates an array map: keys 0..maxEntries-1, zero-filled, not deletable.</summary>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="maxEntries">Number of elements.</param>
    /// <param name="flags">Creation flags.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The typed map.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMap<uint, TValue> CreateArray<TValue>(int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TValue : unmanaged
        => Typed<uint, TValue>(BpfMapType.Array, maxEntries, flags, name);

    /// <summary>Creates an Mmapable array read and written through a memory mapping, with no syscall per element.</summary>
    /// <remarks>Requires Linux 5.5 or later.</remarks>
    /// <typeparam name="TValue">The element type.</typeparam>
    /// <param name="maxEntries">Number of elements.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The mapped array.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map or the mapping.</exception>
    public BpfMmapArray<TValue> CreateMmapArray<TValue>(int maxEntries, string? name = null)
        where TValue : unmanaged
        => new(Typed<uint, TValue>(BpfMapType.Array, maxEntries, BpfMapFlags.Mmapable, name).Map);

    /// <summary>Creates a per-CPU hash map: each key holds one value per possible CPU.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The per-CPU value type.</typeparam>
    /// <param name="maxEntries">Maximum number of entries.</param>
    /// <param name="flags">Creation flags.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The per-CPU map.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfPerCpuMap<TKey, TValue> CreatePerCpuHash<TKey, TValue>(int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TKey : unmanaged
        where TValue : unmanaged
        => new(Untyped<TKey, TValue>(BpfMapType.PerCpuHash, maxEntries, flags, name));

    /// <summary>Creates an LRU per-CPU hash map.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The per-CPU value type.</typeparam>
    /// <param name="maxEntries">Maximum number of entries.</param>
    /// <param name="flags">Creation flags.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The per-CPU map.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfPerCpuMap<TKey, TValue> CreateLruPerCpuHash<TKey, TValue>(int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TKey : unmanaged
        where TValue : unmanaged
        => new(Untyped<TKey, TValue>(BpfMapType.LruPerCpuHash, maxEntries, flags, name));

    /// <summary>Creates a per-CPU array.</summary>
    /// <typeparam name="TValue">The per-CPU value type.</typeparam>
    /// <param name="maxEntries">Number of elements.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The per-CPU map.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfPerCpuMap<uint, TValue> CreatePerCpuArray<TValue>(int maxEntries, string? name = null)
        where TValue : unmanaged
        => new(Untyped<uint, TValue>(BpfMapType.PerCpuArray, maxEntries, BpfMapFlags.None, name));

    /// <summary>Creates a FIFO queue.</summary>
    /// <remarks>Requires Linux 4.20 or later.</remarks>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="maxEntries">Capacity.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The queue.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfQueue<T> CreateQueue<T>(int maxEntries, string? name = null)
        where T : unmanaged
        => new(Create(new BpfMapSpec { Type = BpfMapType.Queue, ValueSize = Unsafe.SizeOf<T>(), MaxEntries = maxEntries, Name = name }));

    /// <summary>Creates a LIFO stack.</summary>
    /// <remarks>Requires Linux 4.20 or later.</remarks>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="maxEntries">Capacity.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The stack.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfQueue<T> CreateStack<T>(int maxEntries, string? name = null)
        where T : unmanaged
        => new(Create(new BpfMapSpec { Type = BpfMapType.Stack, ValueSize = Unsafe.SizeOf<T>(), MaxEntries = maxEntries, Name = name }));

    /// <summary>Creates a longest-prefix-match trie keyed by <see cref="LpmKey{TData}"/> (created with NoPrealloc, as the kernel requires).</summary>
    /// <typeparam name="TData">The prefix data (for example 4 bytes for IPv4, 16 for IPv6), in network order.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="maxEntries">Maximum number of prefixes.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The trie.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMap<LpmKey<TData>, TValue> CreateLpmTrie<TData, TValue>(int maxEntries, string? name = null)
        where TData : unmanaged
        where TValue : unmanaged
        => Typed<LpmKey<TData>, TValue>(BpfMapType.LpmTrie, maxEntries, BpfMapFlags.NoPrealloc, name);

    /// <summary>Creates an array of maps whose inner maps look like <paramref name="innerTemplate"/>.</summary>
    /// <param name="maxEntries">Number of slots.</param>
    /// <param name="innerTemplate">A map with the inner maps' type and sizes (it may be disposed after creation).</param>
    /// <param name="name">The map name.</param>
    /// <returns>The map of maps.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMapOfMaps<uint> CreateArrayOfMaps(int maxEntries, BpfMap innerTemplate, string? name = null)
        => new(Create(new BpfMapSpec { Type = BpfMapType.ArrayOfMaps, KeySize = 4, ValueSize = 4, MaxEntries = maxEntries, InnerMap = innerTemplate, Name = name }));

    /// <summary>Creates a hash of maps whose inner maps look like <paramref name="innerTemplate"/>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="maxEntries">Maximum number of entries.</param>
    /// <param name="innerTemplate">A map with the inner maps' type and sizes.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The map of maps.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMapOfMaps<TKey> CreateHashOfMaps<TKey>(int maxEntries, BpfMap innerTemplate, string? name = null)
        where TKey : unmanaged
        => new(Create(new BpfMapSpec { Type = BpfMapType.HashOfMaps, KeySize = Unsafe.SizeOf<TKey>(), ValueSize = 4, MaxEntries = maxEntries, InnerMap = innerTemplate, Name = name }));

    /// <summary>Creates a ring buffer of <paramref name="sizeBytes"/> bytes; read it with the event readers.</summary>
    /// <remarks>Requires Linux 5.8 or later.</remarks>
    /// <param name="sizeBytes">The data area size: a power of two multiple of the page size.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentException">The size is not a power of two multiple of the page size.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMap CreateRingBuffer(int sizeBytes, string? name = null)
        => Create(new BpfMapSpec { Type = BpfMapType.RingBuffer, MaxEntries = sizeBytes, Name = name });

    /// <summary>Creates a user ring buffer of <paramref name="sizeBytes"/> bytes, written from user space and drained by a program.</summary>
    /// <remarks>Requires Linux 6.1 or later.</remarks>
    /// <param name="sizeBytes">The data area size: a power of two multiple of the page size.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentException">The size is not a power of two multiple of the page size.</exception>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    public BpfMap CreateUserRingBuffer(int sizeBytes, string? name = null)
        => Create(new BpfMapSpec { Type = BpfMapType.UserRingBuffer, MaxEntries = sizeBytes, Name = name });

    private BpfMap<TKey, TValue> Typed<TKey, TValue>(BpfMapType type, int maxEntries, BpfMapFlags flags, string? name)
        where TKey : unmanaged
        where TValue : unmanaged
        => new(Untyped<TKey, TValue>(type, maxEntries, flags, name));

    private BpfMap Untyped<TKey, TValue>(BpfMapType type, int maxEntries, BpfMapFlags flags, string? name)
        where TKey : unmanaged
        where TValue : unmanaged
        => Create(new BpfMapSpec { Type = type, KeySize = Unsafe.SizeOf<TKey>(), ValueSize = Unsafe.SizeOf<TValue>(), MaxEntries = maxEntries, Flags = flags, Name = name });
}
