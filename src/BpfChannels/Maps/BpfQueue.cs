using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// A BPF queue (FIFO) or stack (LIFO) map of <typeparamref name="T"/>: push, pop and peek, with no keys.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>Requires Linux 4.20 or later. Thread-safe as the underlying map is.</remarks>
public sealed class BpfQueue<T> : IDisposable
    where T : unmanaged
{
    /// <summary>Creates a typed view of a queue or stack map.</summary>
    /// <param name="map">A <see cref="BpfMapType.Queue"/> or <see cref="BpfMapType.Stack"/> map.</param>
    /// <exception cref="ArgumentException">The map is not a queue or stack, or <typeparamref name="T"/> has the wrong size.</exception>
    public BpfQueue(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        map.ThrowIfDisposed();
        if (map.Type is not (BpfMapType.Queue or BpfMapType.Stack))
        {
            throw new ArgumentException($"Map '{map.Name}' is a {map.Type}, not a queue or stack.", nameof(map));
        }

        if (Unsafe.SizeOf<T>() != map.ValueSize)
        {
            throw new ArgumentException($"{typeof(T).Name} is {Unsafe.SizeOf<T>()} bytes; map '{map.Name}' holds {map.ValueSize}-byte values.", nameof(map));
        }

        Map = map;
    }

    /// <summary>The untyped map.</summary>
    public BpfMap Map { get; }

    /// <summary>Whether this is a stack (last in, first out) rather than a queue.</summary>
    public bool IsStack => Map.Type == BpfMapType.Stack;

    /// <summary>Pushes <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="overwriteOldest">When full, drop the oldest element instead of failing (BPF_EXIST).</param>
    /// <exception cref="BpfException">E2BIG: full and <paramref name="overwriteOldest"/> is false.</exception>
    public void Push(in T value, bool overwriteOldest = false)
    {
        if (!TryPush(in value, overwriteOldest))
        {
            throw Map.Error(E2BIG, BpfCommand.MapUpdateElem);
        }
    }

    /// <summary>Pushes <paramref name="value"/> unless the queue is full.</summary>
    /// <param name="value">The value.</param>
    /// <param name="overwriteOldest">When full, drop the oldest element instead (BPF_EXIST).</param>
    /// <returns><see langword="false"/> if the queue was full (E2BIG).</returns>
    /// <exception cref="BpfException">Another error.</exception>
    public bool TryPush(in T value, bool overwriteOldest = false)
    {
        Map.ThrowIfDisposed();
        int err = Map.UpdateCore(default, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)), overwriteOldest ? (ulong)BpfMapUpdateFlags.Exist : 0);
        return err == 0 || (err == E2BIG ? false : throw Map.Error(err, BpfCommand.MapUpdateElem));
    }

    /// <summary>Removes and returns the next element (the oldest for a queue, the newest for a stack).</summary>
    /// <param name="value">The element.</param>
    /// <returns><see langword="false"/> if empty.</returns>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public bool TryPop(out T value)
    {
        value = default;
        return Map.TryLookupAndDelete(default, MemoryMarshal.AsBytes(new Span<T>(ref value)));
    }

    /// <summary>Returns the next element without removing it.</summary>
    /// <param name="value">The element.</param>
    /// <returns><see langword="false"/> if empty.</returns>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public bool TryPeek(out T value)
    {
        value = default;
        return Map.TryLookup(default, MemoryMarshal.AsBytes(new Span<T>(ref value)));
    }

    /// <inheritdoc/>
    public void Dispose() => Map.Dispose();
}
