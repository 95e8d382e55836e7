using System.Runtime.CompilerServices;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// A BPF map with untyped (span) keys and values: a kernel map reached through its descriptor, or the
/// in-memory twin with the kernel's semantics. Use <see cref="As{TKey, TValue}"/> for a typed view.
/// </summary>
/// <remarks>
/// Arguments are checked before any syscall: a key or value of the wrong size, or a disposed map, throws
/// without reaching the kernel. Element operations are thread-safe (the kernel serialises them; the twin
/// takes a lock). Expected outcomes are Try-methods returning <see langword="false"/>: a missing key for
/// lookups and deletes, EEXIST for <see cref="BpfMapUpdateFlags.NoExist"/>, ENOENT for
/// <see cref="BpfMapUpdateFlags.Exist"/>. Every other failure is a <see cref="BpfException"/>.
/// </remarks>
public abstract partial class BpfMap : IDisposable
{
    private protected BpfMap(BpfMapSpec spec)
    {
        Spec = spec;
        Name = spec.Name ?? string.Empty;
        ValueBufferSize = spec.IsPerCpu ? PerCpuStride(spec.ValueSize) * BpfSystem.PossibleCpuCount : spec.ValueSize;
    }

    /// <summary>The attributes the map was created with (or read back from the kernel).</summary>
    public BpfMapSpec Spec { get; }

    /// <summary>The map's name.</summary>
    public string Name { get; }

    /// <summary>The map type.</summary>
    public BpfMapType Type => Spec.Type;

    /// <summary>Key size in bytes.</summary>
    public int KeySize => Spec.KeySize;

    /// <summary>Value size in bytes as the kernel defines it (per CPU for per-CPU maps).</summary>
    public int ValueSize => Spec.ValueSize;

    /// <summary>Maximum number of entries.</summary>
    public int MaxEntries => Spec.MaxEntries;

    /// <summary>Creation flags.</summary>
    public BpfMapFlags Flags => Spec.Flags;

    /// <summary>Whether each key holds one value per possible CPU.</summary>
    public bool IsPerCpu => Spec.IsPerCpu;

    /// <summary>
    /// The size of the user-space buffer for one element's value: <see cref="ValueSize"/>, or for per-CPU maps
    /// the value size rounded up to 8 bytes times <see cref="BpfSystem.PossibleCpuCount"/>, as the kernel copies it.
    /// </summary>
    public int ValueBufferSize { get; }

    /// <summary>Whether this is the in-memory twin rather than a kernel map.</summary>
    public abstract bool IsInMemory { get; }

    /// <summary>Whether the map has been disposed.</summary>
    public abstract bool IsDisposed { get; }

    /// <summary>The kernel descriptor of the map.</summary>
    /// <exception cref="NotSupportedException">The map is the in-memory twin.</exception>
    public abstract BpfHandle Handle { get; }

    /// <summary>Whether the map is frozen: user space can no longer write it (5.2).</summary>
    public abstract bool IsFrozen { get; }

    /// <summary>The stride between CPUs in a per-CPU value buffer: the value size rounded up to 8 bytes.</summary>
    /// <param name="valueSize">The per-CPU value size.</param>
    /// <returns>The stride in bytes.</returns>
    public static int PerCpuStride(int valueSize) => (valueSize + 7) & ~7;

    /// <summary>Creates a kernel map (BPF_MAP_CREATE).</summary>
    /// <param name="spec">The attributes.</param>
    /// <returns>The new map, owning its descriptor.</returns>
    /// <exception cref="ArgumentException">The spec is invalid (checked before the syscall).</exception>
    /// <exception cref="BpfException">The kernel refused: EINVAL (an attribute), EPERM (privileges), ENOMEM (memory).</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap Create(BpfMapSpec spec) => BpfMapFactory.Kernel.Create(spec);

    /// <summary>Creates an in-memory twin of a map with the kernel's semantics; needs no privileges.</summary>
    /// <param name="spec">The attributes.</param>
    /// <returns>The new map.</returns>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public static BpfMap CreateInMemory(BpfMapSpec spec) => BpfMapFactory.InMemory.Create(spec);

    /// <summary>Creates a kernel hash map in one line, as <c>bpf_map_create(BPF_MAP_TYPE_HASH, ...)</c> does.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="maxEntries">Maximum number of entries.</param>
    /// <param name="flags">Creation flags, for example <see cref="BpfMapFlags.NoPrealloc"/>.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The typed map.</returns>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap<TKey, TValue> CreateHash<TKey, TValue>(int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TKey : unmanaged
        where TValue : unmanaged
        => BpfMapFactory.Kernel.CreateHash<TKey, TValue>(maxEntries, flags, name);

    /// <summary>Creates a kernel array map (keys 0..maxEntries-1, zero-filled).</summary>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="maxEntries">Number of elements.</param>
    /// <param name="flags">Creation flags, for example <see cref="BpfMapFlags.Mmapable"/>.</param>
    /// <param name="name">The map name.</param>
    /// <returns>The typed map.</returns>
    /// <exception cref="BpfException">The kernel refused the map.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap<uint, TValue> CreateArray<TValue>(int maxEntries, BpfMapFlags flags = BpfMapFlags.None, string? name = null)
        where TValue : unmanaged
        => BpfMapFactory.Kernel.CreateArray<TValue>(maxEntries, flags, name);

    /// <summary>Views this map with typed keys and values.</summary>
    /// <typeparam name="TKey">The key type; its size must equal <see cref="KeySize"/>.</typeparam>
    /// <typeparam name="TValue">The value type; its size must equal <see cref="ValueSize"/>.</typeparam>
    /// <returns>A typed view sharing this map (disposing either disposes the map).</returns>
    /// <exception cref="ArgumentException">A type's size does not match the map's.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public BpfMap<TKey, TValue> As<TKey, TValue>()
        where TKey : unmanaged
        where TValue : unmanaged
        => new(this);

    /// <summary>Looks up <paramref name="key"/> and copies its value into <paramref name="value"/>.</summary>
    /// <param name="key">The key (<see cref="KeySize"/> bytes).</param>
    /// <param name="value">Receives the value (<see cref="ValueBufferSize"/> bytes).</param>
    /// <param name="flags">Lookup flags.</param>
    /// <returns><see langword="false"/> if the key does not exist (ENOENT).</returns>
    /// <exception cref="ArgumentException">A span has the wrong size.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported another error.</exception>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value, BpfMapLookupFlags flags = BpfMapLookupFlags.None)
    {
        CheckKey(key);
        CheckValue(value.Length);
        return Expect(LookupCore(key, value, (ulong)flags), ENOENT, "BPF_MAP_LOOKUP_ELEM");
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (<see cref="ValueBufferSize"/> bytes).</param>
    /// <param name="flags">Any, NoExist, Exist, optionally with Lock.</param>
    /// <exception cref="ArgumentException">A span has the wrong size, or the flags are not a valid combination.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">EEXIST (NoExist on an existing key), ENOENT (Exist on a missing key), E2BIG (the map is full), or another error.</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        CheckKey(key);
        CheckValue(value.Length);
        CheckUpdateFlags(flags);
        int err = UpdateCore(key, value, (ulong)flags);
        if (err != 0)
        {
            throw Error(err, "BPF_MAP_UPDATE_ELEM");
        }
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="key"/> unless the flags' condition fails.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="flags">Any, NoExist, Exist, optionally with Lock.</param>
    /// <returns><see langword="false"/> when NoExist met an existing key (EEXIST) or Exist a missing one (ENOENT).</returns>
    /// <exception cref="ArgumentException">A span has the wrong size, or the flags are not a valid combination.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">E2BIG (the map is full), or another error.</exception>
    public bool TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        CheckKey(key);
        CheckValue(value.Length);
        CheckUpdateFlags(flags);
        int err = UpdateCore(key, value, (ulong)flags);
        return err == 0 || (IsConditionFailure(err, flags) ? false : throw Error(err, "BPF_MAP_UPDATE_ELEM"));
    }

    /// <summary>Deletes <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">The key has the wrong size.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">ENOENT (no such key), EINVAL (arrays cannot delete), or another error.</exception>
    public void Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        int err = DeleteCore(key);
        if (err != 0)
        {
            throw Error(err, "BPF_MAP_DELETE_ELEM");
        }
    }

    /// <summary>Deletes <paramref name="key"/> if it exists.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="false"/> if the key did not exist.</returns>
    /// <exception cref="ArgumentException">The key has the wrong size.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">EINVAL (arrays cannot delete), or another error.</exception>
    public bool TryDelete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        return Expect(DeleteCore(key), ENOENT, "BPF_MAP_DELETE_ELEM");
    }

    /// <summary>Looks up and deletes <paramref name="key"/> atomically; for queues and stacks (empty key), pops.</summary>
    /// <param name="key">The key (empty for queues and stacks).</param>
    /// <param name="value">Receives the value.</param>
    /// <param name="flags">Lookup flags (Lock for maps with a spin lock, 5.14).</param>
    /// <returns><see langword="false"/> if the key did not exist or the queue was empty.</returns>
    /// <exception cref="ArgumentException">A span has the wrong size.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">ENOTSUPP (the map type cannot), or another error.</exception>
    public bool TryLookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, BpfMapLookupFlags flags = BpfMapLookupFlags.None)
    {
        CheckKey(key);
        CheckValue(value.Length);
        return Expect(LookupAndDeleteCore(key, value, (ulong)flags), ENOENT, "BPF_MAP_LOOKUP_AND_DELETE_ELEM");
    }

    /// <summary>Gets the key after <paramref name="key"/> in the map's iteration order (BPF_MAP_GET_NEXT_KEY).</summary>
    /// <param name="key">The current key, or an empty span for the first key.</param>
    /// <param name="nextKey">Receives the next key.</param>
    /// <returns><see langword="false"/> when there is no next key.</returns>
    /// <remarks>Like the kernel, a <paramref name="key"/> that is not in a hash map yields the first key; use
    /// <see cref="Keys"/> or <see cref="ReadSnapshot"/> for walks that survive concurrent deletion.</remarks>
    /// <exception cref="ArgumentException">A span has the wrong size.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
        {
            CheckKey(key);
        }

        CheckSize(nextKey.Length, KeySize, "next key");
        return Expect(GetNextKeyCore(key, nextKey), ENOENT, "BPF_MAP_GET_NEXT_KEY");
    }

    /// <summary>Freezes the map: user space can no longer write it; programs still can (BPF_MAP_FREEZE, 5.2).</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">EBUSY (a writable mapping exists), or another error.</exception>
    public void Freeze()
    {
        int err = FreezeCore();
        if (err != 0)
        {
            throw Error(err, "BPF_MAP_FREEZE");
        }
    }

    /// <summary>Counts the entries by walking the keys (a syscall per key for kernel maps).</summary>
    /// <returns>The number of keys.</returns>
    public int CountEntries()
    {
        int count = 0;
        foreach (byte[] _ in Keys)
        {
            count++;
        }

        return count;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} map '{Name}' ({KeySize}-byte keys, {ValueSize}-byte values, {MaxEntries} entries)";

    /// <summary>Releases the map.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);

    // The core operations return 0 or an errno and never throw for kernel errors, so the channel layer
    // can report outcomes without exception cost. Arguments are already checked by the callers.
    internal abstract int LookupCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags);

    internal abstract int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags);

    internal abstract int DeleteCore(ReadOnlySpan<byte> key);

    internal abstract int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags);

    internal abstract int GetNextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey);

    internal abstract int FreezeCore();

    internal abstract int LookupBatchCore(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags);

    internal abstract int UpdateBatchCore(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref int count, ulong elemFlags);

    internal abstract int DeleteBatchCore(ReadOnlySpan<byte> keys, ref int count, ulong elemFlags);

    /// <summary>
    /// Takes a lease on the map's memory mapping (<see cref="BpfMapFlags.Mmapable"/> arrays, mapped on first use): the
    /// mapping stays until every lease is released, even if the map is disposed meanwhile.
    /// </summary>
    /// <param name="writable">Whether the caller writes through the mapping (a snapshot only reads).</param>
    /// <param name="length">The mapping's length.</param>
    internal abstract unsafe byte* AcquireMappedMemory(bool writable, out nuint length);

    /// <summary>Releases a lease taken by <see cref="AcquireMappedMemory"/>.</summary>
    internal abstract void ReleaseMappedMemory();

    /// <summary>Builds the exception for errno <paramref name="errno"/> of <paramref name="command"/> on this map.</summary>
    internal BpfException Error(int errno, string command) => BpfErrors.Create(errno, command, Name.Length == 0 ? $"unnamed {Type} map" : Name);

    internal static bool IsConditionFailure(int errno, BpfMapUpdateFlags flags) =>
        (errno == EEXIST && (flags & BpfMapUpdateFlags.NoExist) != 0) || (errno == ENOENT && (flags & BpfMapUpdateFlags.Exist) != 0);

    internal void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            ThrowSize("key", key.Length, KeySize);
        }
    }

    internal void CheckValue(int length)
    {
        if (length != ValueBufferSize)
        {
            ThrowSize("value", length, ValueBufferSize);
        }
    }

    internal static void CheckUpdateFlags(BpfMapUpdateFlags flags)
    {
        if ((flags & ~(BpfMapUpdateFlags.NoExist | BpfMapUpdateFlags.Exist | BpfMapUpdateFlags.Lock)) != 0
            || (flags & (BpfMapUpdateFlags.NoExist | BpfMapUpdateFlags.Exist)) == (BpfMapUpdateFlags.NoExist | BpfMapUpdateFlags.Exist))
        {
            throw new ArgumentException($"Update flags {flags} are not a valid combination: use one of Any, NoExist, Exist, optionally with Lock.", nameof(flags));
        }
    }

    private void CheckSize(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            ThrowSize(what, actual, expected);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowSize(string what, int actual, int expected)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        string perCpu = what == "value" && IsPerCpu ? $" (per-CPU: {PerCpuStride(ValueSize)} bytes x {BpfSystem.PossibleCpuCount} possible CPUs)" : string.Empty;
        throw new ArgumentException($"The {what} is {actual} bytes; map '{Name}' ({Type}) takes {expected}-byte {what}s{perCpu}.", what.Replace(' ', '_'));
    }

    private bool Expect(int err, int expected, string command)
    {
        if (err == 0)
        {
            return true;
        }

        return err == expected ? false : throw Error(err, command);
    }
}
