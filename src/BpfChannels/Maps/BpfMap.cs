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
    private volatile bool _disposeCalled;

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

    /// <summary>Whether the map is frozen: user space can no longer write it.</summary>
    /// <remarks>Requires Linux 5.2 or later.</remarks>
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
        CheckLookupFlags(flags);
        return Expect(LookupCore(key, value, (ulong)flags), ENOENT, BpfCommand.MapLookupElem);
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
            throw Error(err, BpfCommand.MapUpdateElem);
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
        return err == 0 || (IsConditionFailure(err, flags) ? false : throw Error(err, BpfCommand.MapUpdateElem));
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
            throw Error(err, BpfCommand.MapDeleteElem);
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
        return Expect(DeleteCore(key), ENOENT, BpfCommand.MapDeleteElem);
    }

    /// <summary>Looks up and deletes <paramref name="key"/> atomically; for queues and stacks (empty key), pops.</summary>
    /// <remarks>Requires Linux 4.20 or later (queues and stacks; hash maps 5.14, BPF_F_LOCK 5.14).</remarks>
    /// <param name="key">The key (empty for queues and stacks).</param>
    /// <param name="value">Receives the value.</param>
    /// <param name="flags">Lookup flags (Lock for maps with a spin lock).</param>
    /// <returns><see langword="false"/> if the key did not exist or the queue was empty.</returns>
    /// <exception cref="ArgumentException">A span has the wrong size.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">ENOTSUPP (the map type cannot), or another error.</exception>
    public bool TryLookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, BpfMapLookupFlags flags = BpfMapLookupFlags.None)
    {
        CheckKey(key);
        CheckValue(value.Length);
        CheckLookupFlags(flags);
        return Expect(LookupAndDeleteCore(key, value, (ulong)flags), ENOENT, BpfCommand.MapLookupAndDeleteElem);
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
        return Expect(GetNextKeyCore(key, nextKey), ENOENT, BpfCommand.MapGetNextKey);
    }

    /// <summary>Freezes the map: user space can no longer write it; programs still can (BPF_MAP_FREEZE).</summary>
    /// <remarks>Requires Linux 5.2 or later.</remarks>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">EBUSY (a writable mapping exists), or another error.</exception>
    public void Freeze()
    {
        int err = FreezeCore();
        if (err != 0)
        {
            throw Error(err, BpfCommand.MapFreeze);
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
        _disposeCalled = true;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} map '{Name}' ({KeySize}-byte keys, {ValueSize}-byte values, {MaxEntries} entries)";

    /// <summary>
    /// Whether <see cref="Dispose()"/> was called. Set before the backend releases anything: a walk holding a lease on the
    /// descriptor defers its close (the handle reads as open until the lease ends), and still sees the dispose at its next key.
    /// </summary>
    internal bool DisposeCalled => _disposeCalled;

    /// <summary>Releases the map.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);

    /// <summary>The map's name for messages: its name, or "unnamed Hash map".</summary>
    internal string DisplayName => Name.Length == 0 ? $"unnamed {Type} map" : Name;

    /// <summary>Builds the exception for errno <paramref name="errno"/> of <paramref name="command"/> on this map, with the map's state for EPERM and EACCES.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal BpfException Error(int errno, BpfCommand command)
    {
        MapAccessState? state = errno is EPERM or EACCES && !IsDisposed ? GetAccessState() : null;
        return BpfErrors.Create(errno, command, DisplayName, new BpfErrorContext { Map = state });
    }

    /// <summary>The exception for a use of this map after <see cref="Dispose()"/>, naming the map.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ObjectDisposedException Disposed() => new(DisplayName, $"Map '{DisplayName}' ({Type}) is disposed.");

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming the map if it is disposed.</summary>
    internal void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw Disposed();
        }
    }

    /// <summary>Checks lookup flags before the syscall: only <see cref="BpfMapLookupFlags.Lock"/> is defined.</summary>
    internal static void CheckLookupFlags(BpfMapLookupFlags flags)
    {
        if ((flags & ~BpfMapLookupFlags.Lock) != 0)
        {
            ThrowLookupFlags(flags);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLookupFlags(BpfMapLookupFlags flags) =>
        throw new ArgumentException($"Lookup flags 0x{(ulong)flags:x} have undefined bits: only BpfMapLookupFlags.Lock (BPF_F_LOCK) is defined.", nameof(flags));

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
        ThrowIfDisposed();
        string perCpu = what == "value" && IsPerCpu ? $" (per-CPU: {PerCpuStride(ValueSize)} bytes x {BpfSystem.PossibleCpuCount} possible CPUs)" : string.Empty;
        throw new ArgumentException($"The {what} is {actual} bytes; map '{Name}' ({Type}) takes {expected}-byte {what}s{perCpu}.", what.Replace(' ', '_'));
    }

    private bool Expect(int err, int expected, BpfCommand command)
    {
        if (err == 0)
        {
            return true;
        }

        return err == expected ? false : throw Error(err, command);
    }
}
