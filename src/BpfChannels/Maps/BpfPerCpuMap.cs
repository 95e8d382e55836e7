using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// A typed view of a per-CPU hash or array: each key holds one <typeparamref name="TValue"/> per possible CPU.
/// The kernel copies values to and from user space as <see cref="BpfSystem.PossibleCpuCount"/> slots of the
/// value size rounded up to 8 bytes; this view hides that layout.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The per-CPU value type.</typeparam>
/// <remarks>Thread-safe as the underlying map is. Use <see cref="BpfPerCpuMapExtensions.Sum{TKey, TValue}"/> to add up counters.</remarks>
public sealed class BpfPerCpuMap<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly int _stride;

    /// <summary>Creates a per-CPU view of <paramref name="map"/>.</summary>
    /// <param name="map">A per-CPU map.</param>
    /// <exception cref="ArgumentException">The map is not per-CPU, or a type's size does not match.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public BpfPerCpuMap(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        map.ThrowIfDisposed();
        if (!map.IsPerCpu)
        {
            throw new ArgumentException($"Map '{map.Name}' ({map.Type}) is not per-CPU; use BpfMap<{typeof(TKey).Name}, {typeof(TValue).Name}>.", nameof(map));
        }

        if (Unsafe.SizeOf<TKey>() != map.KeySize || Unsafe.SizeOf<TValue>() != map.ValueSize)
        {
            throw new ArgumentException($"{typeof(TKey).Name} ({Unsafe.SizeOf<TKey>()} bytes) and {typeof(TValue).Name} ({Unsafe.SizeOf<TValue>()} bytes) do not match map '{map.Name}' ({map.KeySize}-byte keys, {map.ValueSize}-byte values per CPU).", nameof(map));
        }

        Map = map;
        _stride = BpfMap.PerCpuStride(map.ValueSize);
    }

    /// <summary>The untyped map.</summary>
    public BpfMap Map { get; }

    /// <summary>The number of values per key: the number of possible CPUs.</summary>
    public int CpuCount => BpfSystem.PossibleCpuCount;

    /// <summary>Looks up the values of <paramref name="key"/>, one per CPU.</summary>
    /// <param name="key">The key.</param>
    /// <param name="values">Receives <see cref="CpuCount"/> values.</param>
    /// <returns><see langword="false"/> if the key does not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold <see cref="CpuCount"/> values.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported another error.</exception>
    public bool TryLookup(in TKey key, Span<TValue> values)
    {
        CheckCount(values.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Map.ValueBufferSize);
        try
        {
            Span<byte> buffer = rented.AsSpan(0, Map.ValueBufferSize);
            if (!Map.TryLookup(KeyBytes(in key), buffer))
            {
                return false;
            }

            for (int cpu = 0; cpu < values.Length; cpu++)
            {
                values[cpu] = MemoryMarshal.Read<TValue>(buffer.Slice(cpu * _stride));
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Looks up the values of <paramref name="key"/>, one per CPU.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The values, indexed by CPU.</returns>
    /// <exception cref="KeyNotFoundException">The key does not exist.</exception>
    /// <exception cref="BpfException">The kernel reported another error.</exception>
    public TValue[] Lookup(in TKey key)
    {
        var values = new TValue[CpuCount];
        return TryLookup(in key, values) ? values : throw new KeyNotFoundException($"Key {key} is not in map '{Map.Name}' (ENOENT).");
    }

    /// <summary>Writes one value per CPU at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="values"><see cref="CpuCount"/> values, indexed by CPU.</param>
    /// <param name="flags">Any, NoExist or Exist.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold <see cref="CpuCount"/> values.</exception>
    /// <exception cref="BpfException">EEXIST, ENOENT, E2BIG (full) or another error.</exception>
    public void Update(in TKey key, ReadOnlySpan<TValue> values, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        _ = Write(in key, values, flags, throwOnCondition: true);
    }

    /// <summary>Writes <paramref name="value"/> for every CPU at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value for each CPU.</param>
    /// <param name="flags">Any, NoExist or Exist.</param>
    /// <exception cref="BpfException">EEXIST, ENOENT, E2BIG (full) or another error.</exception>
    public void UpdateAll(in TKey key, TValue value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        TValue[] values = new TValue[CpuCount];
        Array.Fill(values, value);
        Update(in key, values, flags);
    }

    /// <summary>Writes one value per CPU unless the flags' condition fails.</summary>
    /// <param name="key">The key.</param>
    /// <param name="values"><see cref="CpuCount"/> values.</param>
    /// <param name="flags">Any, NoExist or Exist.</param>
    /// <returns><see langword="false"/> when NoExist met an existing key or Exist a missing one.</returns>
    /// <exception cref="BpfException">E2BIG (full) or another error.</exception>
    public bool TryUpdate(in TKey key, ReadOnlySpan<TValue> values, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
        => Write(in key, values, flags, throwOnCondition: false);

    /// <summary>Deletes <paramref name="key"/> if it exists.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="false"/> if the key did not exist.</returns>
    /// <exception cref="BpfException">EINVAL (per-CPU arrays cannot delete) or another error.</exception>
    public bool TryDelete(in TKey key) => Map.TryDelete(KeyBytes(in key));

    /// <summary>Folds the per-CPU values of <paramref name="key"/> into one result.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="seed">The initial result.</param>
    /// <param name="func">Combines the result so far with one CPU's value.</param>
    /// <param name="result">The folded result, or <paramref name="seed"/> if the key does not exist.</param>
    /// <returns><see langword="false"/> if the key does not exist.</returns>
    public bool TryAggregate<TResult>(in TKey key, TResult seed, Func<TResult, TValue, TResult> func, out TResult result)
    {
        ArgumentNullException.ThrowIfNull(func);
        Span<TValue> values = CpuCount <= 64 ? stackalloc TValue[CpuCount] : new TValue[CpuCount];
        result = seed;
        if (!TryLookup(in key, values))
        {
            return false;
        }

        foreach (TValue value in values)
        {
            result = func(result, value);
        }

        return true;
    }

    /// <summary>The map's keys.</summary>
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

    /// <inheritdoc/>
    public void Dispose() => Map.Dispose();

    private bool Write(in TKey key, ReadOnlySpan<TValue> values, BpfMapUpdateFlags flags, bool throwOnCondition)
    {
        CheckCount(values.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Map.ValueBufferSize);
        try
        {
            Span<byte> buffer = rented.AsSpan(0, Map.ValueBufferSize);
            buffer.Clear();
            for (int cpu = 0; cpu < values.Length; cpu++)
            {
                MemoryMarshal.Write(buffer.Slice(cpu * _stride), in values[cpu]);
            }

            if (throwOnCondition)
            {
                Map.Update(KeyBytes(in key), buffer, flags);
                return true;
            }

            return Map.TryUpdate(KeyBytes(in key), buffer, flags);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void CheckCount(int count)
    {
        if (count != CpuCount)
        {
            throw new ArgumentException($"Per-CPU map '{Map.Name}' holds {CpuCount} values per key (one per possible CPU), not {count}.", "values");
        }
    }

    private static ReadOnlySpan<byte> KeyBytes(in TKey key) => MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));
}
