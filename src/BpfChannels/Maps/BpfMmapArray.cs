using System.Runtime.CompilerServices;

namespace BpfChannels;

/// <summary>
/// A <see cref="BpfMapFlags.Mmapable"/> array read and written through a memory mapping shared with the
/// kernel: element access is a memory access, with no syscall.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// Requires Linux 5.5 or later.
/// Elements are <c>round_up(sizeof(T), 8)</c> bytes apart, as the kernel lays out array values. Accesses are
/// plain loads and stores: a BPF program may change an element while it is read; use
/// <see cref="System.Threading.Volatile"/> or <see cref="Interlocked"/> on the returned reference where that matters.
/// </remarks>
public sealed unsafe class BpfMmapArray<T> : IDisposable
    where T : unmanaged
{
    private readonly int _stride;
    private byte* _base;

    /// <summary>Creates a mapped view of an Mmapable array.</summary>
    /// <param name="map">An <see cref="BpfMapType.Array"/> created with <see cref="BpfMapFlags.Mmapable"/>.</param>
    /// <exception cref="ArgumentException">The map is not an Mmapable array, or <typeparamref name="T"/> has the wrong size.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="InvalidOperationException">The map can only be mapped read-only (frozen, read-only for user space, or opened read-only).</exception>
    /// <exception cref="BpfException">The kernel refused the mapping.</exception>
    public BpfMmapArray(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        map.ThrowIfDisposed();
        if (map.Type != BpfMapType.Array || (map.Flags & BpfMapFlags.Mmapable) == 0)
        {
            throw new ArgumentException($"Map '{map.Name}' ({map.Type}, {map.Flags}) is not an array created with BpfMapFlags.Mmapable.", nameof(map));
        }

        if (Unsafe.SizeOf<T>() != map.ValueSize)
        {
            throw new ArgumentException($"{typeof(T).Name} is {Unsafe.SizeOf<T>()} bytes; map '{map.Name}' has {map.ValueSize}-byte values.", nameof(map));
        }

        Map = map;
        _stride = BpfMap.PerCpuStride(map.ValueSize);
        _base = map.AcquireMappedMemory(writable: true, out _);
    }

    /// <summary>The untyped map (element syscalls still work on it).</summary>
    public BpfMap Map { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Map.MaxEntries;

    /// <summary>A reference to element <paramref name="index"/> in the shared mapping.</summary>
    /// <param name="index">The index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public ref T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Length, nameof(index));
            return ref Unsafe.AsRef<T>(Base() + ((nint)index * _stride));
        }
    }

    /// <summary>The whole array as a span, when elements are contiguous (the element size is a multiple of 8).</summary>
    /// <returns>The span over the shared mapping; valid until the map is disposed.</returns>
    /// <exception cref="InvalidOperationException">Elements are padded to 8 bytes; use the indexer.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public Span<T> AsSpan()
    {
        if (_stride != sizeof(T))
        {
            throw new InvalidOperationException($"Elements of {typeof(T).Name} ({sizeof(T)} bytes) are padded to {_stride} bytes in the mapping; use the indexer.");
        }

        return new Span<T>(Base(), Length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_base != null)
        {
            _base = null;
            Map.ReleaseMappedMemory();
        }

        Map.Dispose();
    }

    private byte* Base()
    {
        if (_base == null || Map.IsDisposed)
        {
            throw Map.Disposed();
        }

        return _base;
    }
}
