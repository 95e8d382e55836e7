using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// A typed view of a <see cref="BpfMap"/> whose keys and values are unmanaged structs laid out as the BPF
/// program declares them. Sizes are checked once, when the view is made; element operations then go
/// straight to the kernel (or the twin) without copying or allocating.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <remarks>Thread-safe as the underlying map is. Disposing the view disposes the map.</remarks>
public sealed class BpfMap<TKey, TValue> : IDisposable, IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Creates a typed view of <paramref name="map"/>.</summary>
    /// <param name="map">The map.</param>
    /// <exception cref="ArgumentException">The key or value type's size does not match the map's.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public BpfMap(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        map.ThrowIfDisposed();
        if (Unsafe.SizeOf<TKey>() != map.KeySize)
        {
            throw new ArgumentException($"{typeof(TKey).Name} is {Unsafe.SizeOf<TKey>()} bytes; map '{map.Name}' ({map.Type}) has {map.KeySize}-byte keys.", nameof(map));
        }

        if (map.IsPerCpu)
        {
            throw new ArgumentException($"Map '{map.Name}' is per-CPU ({map.Type}); use BpfPerCpuMap<{typeof(TKey).Name}, {typeof(TValue).Name}>.", nameof(map));
        }

        if (Unsafe.SizeOf<TValue>() != map.ValueBufferSize)
        {
            throw new ArgumentException($"{typeof(TValue).Name} is {Unsafe.SizeOf<TValue>()} bytes; map '{map.Name}' ({map.Type}) has {map.ValueBufferSize}-byte values.", nameof(map));
        }

        Map = map;
    }

    /// <summary>The untyped map.</summary>
    public BpfMap Map { get; }

    /// <summary>The map's name.</summary>
    public string Name => Map.Name;

    /// <summary>Gets or sets a value: the getter throws <see cref="KeyNotFoundException"/> for a missing key; the setter writes with <see cref="BpfMapUpdateFlags.Any"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="KeyNotFoundException">Getting a key that does not exist.</exception>
    /// <exception cref="BpfException">The kernel reported an error (E2BIG when setting into a full map).</exception>
    public TValue this[TKey key]
    {
        get => TryLookup(key, out TValue value) ? value : throw new KeyNotFoundException($"Key {key} is not in map '{Name}' (ENOENT).");
        set => Update(key, value);
    }

    /// <summary>Looks up a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, or default.</param>
    /// <param name="flags">Lookup flags.</param>
    /// <returns><see langword="false"/> if the key does not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="flags"/> has bits other than <see cref="BpfMapLookupFlags.Lock"/>.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported an error other than ENOENT.</exception>
    public bool TryLookup(in TKey key, out TValue value, BpfMapLookupFlags flags = BpfMapLookupFlags.None)
    {
        Unsafe.SkipInit(out value);
        BpfMap.CheckLookupFlags(flags);
        int err = Map.LookupCore(Bytes(in key), MemoryMarshal.AsBytes(new Span<TValue>(ref value)), (ulong)flags);
        if (err == 0)
        {
            return true;
        }

        value = default;
        return err == ENOENT ? false : throw Map.Error(err, BpfCommand.MapLookupElem);
    }

    /// <summary>Writes a value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="flags">Any, NoExist, Exist, optionally with Lock.</param>
    /// <exception cref="ArgumentException">The flags are not a valid combination.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">EEXIST (NoExist), ENOENT (Exist), E2BIG (full) or another error.</exception>
    public void Update(in TKey key, in TValue value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        int err = UpdateCore(in key, in value, flags);
        if (err != 0)
        {
            throw Map.Error(err, BpfCommand.MapUpdateElem);
        }
    }

    /// <summary>Writes a value unless the flags' condition fails.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="flags">Any, NoExist, Exist, optionally with Lock.</param>
    /// <returns><see langword="false"/> for EEXIST under NoExist or ENOENT under Exist.</returns>
    /// <exception cref="ArgumentException">The flags are not a valid combination.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">E2BIG (full) or another error.</exception>
    public bool TryUpdate(in TKey key, in TValue value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        int err = UpdateCore(in key, in value, flags);
        return err == 0 || (BpfMap.IsConditionFailure(err, flags) ? false : throw Map.Error(err, BpfCommand.MapUpdateElem));
    }

    /// <summary>Writes a value and returns the kernel's outcome instead of throwing for kernel errors.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="flags">Any, NoExist, Exist, optionally with Lock.</param>
    /// <returns><see cref="BpfError.None"/>, or the errno (EEXIST, ENOENT, E2BIG...).</returns>
    /// <exception cref="ArgumentException">The flags are not a valid combination.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public BpfError UpdateWithResult(in TKey key, in TValue value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
        => (BpfError)UpdateCore(in key, in value, flags);

    /// <summary>Deletes a key.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">ENOENT (missing), EINVAL (arrays), or another error.</exception>
    public void Delete(in TKey key)
    {
        int err = Map.DeleteCore(Bytes(in key));
        if (err != 0)
        {
            throw Map.Error(err, BpfCommand.MapDeleteElem);
        }
    }

    /// <summary>Deletes a key if it exists.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="false"/> if the key did not exist.</returns>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">EINVAL (arrays), or another error.</exception>
    public bool TryDelete(in TKey key)
    {
        int err = Map.DeleteCore(Bytes(in key));
        return err == 0 || (err == ENOENT ? false : throw Map.Error(err, BpfCommand.MapDeleteElem));
    }

    /// <summary>Deletes a key and returns the kernel's outcome instead of throwing for kernel errors.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see cref="BpfError.None"/>, or the errno (ENOENT, EINVAL...).</returns>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public BpfError DeleteWithResult(in TKey key) => (BpfError)Map.DeleteCore(Bytes(in key));

    /// <summary>Looks up and deletes a key atomically.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value it held.</param>
    /// <returns><see langword="false"/> if the key did not exist.</returns>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">ENOTSUPP (the map type cannot), or another error.</exception>
    public bool TryLookupAndDelete(in TKey key, out TValue value)
    {
        Unsafe.SkipInit(out value);
        int err = Map.LookupAndDeleteCore(Bytes(in key), MemoryMarshal.AsBytes(new Span<TValue>(ref value)), 0);
        if (err == 0)
        {
            return true;
        }

        value = default;
        return err == ENOENT ? false : throw Map.Error(err, BpfCommand.MapLookupAndDeleteElem);
    }

    /// <summary>Whether the key exists.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> if it exists.</returns>
    public bool ContainsKey(in TKey key) => TryLookup(in key, out _);

    /// <summary>The keys, walked with get_next_key; see <see cref="BpfMap.Keys"/> for the guarantee under concurrent deletion.</summary>
    public IEnumerable<TKey> Keys
    {
        get
        {
            foreach (byte[] key in Map.Keys)
            {
                yield return MemoryMarshal.Read<TKey>(key);
            }
        }
    }

    /// <summary>Reads a batch (see <see cref="BpfMap.LookupBatch"/>).</summary>
    /// <param name="cursor">The walk's cursor.</param>
    /// <param name="keys">Receives keys.</param>
    /// <param name="values">Receives values; at least as long as <paramref name="keys"/>.</param>
    /// <returns>The number read.</returns>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public int LookupBatch(BpfMapBatchCursor cursor, Span<TKey> keys, Span<TValue> values)
        => Map.LookupBatch(cursor, MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values[..keys.Length]));

    /// <summary>Writes many elements in one syscall (see <see cref="BpfMap.UpdateBatch"/>).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="values">The values, as many as keys.</param>
    /// <param name="flags">Flags applied to each element.</param>
    /// <returns>The number written.</returns>
    /// <exception cref="BpfBatchException">An element failed.</exception>
    public int UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
        => Map.UpdateBatch(MemoryMarshal.AsBytes(keys), MemoryMarshal.AsBytes(values), flags);

    /// <summary>Deletes many keys in one syscall (see <see cref="BpfMap.DeleteBatch"/>).</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>The number deleted.</returns>
    /// <exception cref="BpfBatchException">A key failed.</exception>
    public int DeleteBatch(ReadOnlySpan<TKey> keys) => Map.DeleteBatch(MemoryMarshal.AsBytes(keys));

    /// <summary>Creates a snapshot buffer sized for this map.</summary>
    /// <returns>An empty snapshot; dispose it to give its buffers to the next new snapshot.</returns>
    public BpfMapSnapshot CreateSnapshot() => new(Map.KeySize, Map.ValueBufferSize);

    /// <summary>Reads every entry into <paramref name="snapshot"/> (see <see cref="BpfMap.ReadSnapshot"/>).</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="strategy">How to read.</param>
    /// <returns>The number of entries.</returns>
    public int ReadSnapshot(BpfMapSnapshot snapshot, BpfMapReadStrategy strategy = BpfMapReadStrategy.Auto) => Map.ReadSnapshot(snapshot, strategy);

    /// <summary>Enumerates the entries (a whole-map snapshot, taken when enumeration starts).</summary>
    /// <returns>The entries.</returns>
    /// <remarks>
    /// The snapshot's buffers come from, and go back to, the pool of disposed snapshots (see
    /// <see cref="BpfMapSnapshot.MaxPooledBytes"/>) when the enumeration ends, so enumerating the same map again and
    /// again allocates only the enumerator. Entries are copied out, so nothing refers to a buffer after it is returned.
    /// </remarks>
    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator()
    {
        using BpfMapSnapshot snapshot = CreateSnapshot();
        int count = Map.ReadSnapshot(snapshot);
        for (int i = 0; i < count; i++)
        {
            yield return new(MemoryMarshal.Read<TKey>(snapshot.KeyAt(i)), MemoryMarshal.Read<TValue>(snapshot.ValueAt(i)));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public void Dispose() => Map.Dispose();

    /// <inheritdoc/>
    public override string ToString() => Map.ToString();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int UpdateCore(in TKey key, in TValue value, BpfMapUpdateFlags flags)
    {
        BpfMap.CheckUpdateFlags(flags);
        return Map.UpdateCore(Bytes(in key), MemoryMarshal.AsBytes(new ReadOnlySpan<TValue>(in value)), (ulong)flags);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Bytes(in TKey key) => MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));
}
