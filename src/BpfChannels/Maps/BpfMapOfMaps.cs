using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// An array-of-maps or hash-of-maps: each value is an inner map. Writes take a map, reads return the
/// inner map's id, as the kernel does (descriptors in, ids out).
/// </summary>
/// <typeparam name="TKey">The key type (<see cref="uint"/> for arrays of maps).</typeparam>
/// <remarks>Requires Linux 4.12 or later. Thread-safe as the underlying map is.</remarks>
public sealed class BpfMapOfMaps<TKey> : IDisposable
    where TKey : unmanaged
{
    /// <summary>Creates a typed view of a map of maps.</summary>
    /// <param name="map">An <see cref="BpfMapType.ArrayOfMaps"/> or <see cref="BpfMapType.HashOfMaps"/> map.</param>
    /// <exception cref="ArgumentException">The map is not a map of maps, or <typeparamref name="TKey"/> has the wrong size.</exception>
    public BpfMapOfMaps(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        map.ThrowIfDisposed();
        if (map.Type is not (BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps))
        {
            throw new ArgumentException($"Map '{map.Name}' is a {map.Type}, not a map of maps.", nameof(map));
        }

        if (Unsafe.SizeOf<TKey>() != map.KeySize)
        {
            throw new ArgumentException($"{typeof(TKey).Name} is {Unsafe.SizeOf<TKey>()} bytes; map '{map.Name}' has {map.KeySize}-byte keys.", nameof(map));
        }

        Map = map;
    }

    /// <summary>The untyped map.</summary>
    public BpfMap Map { get; }

    /// <summary>Stores <paramref name="inner"/> at <paramref name="key"/>; the outer map then holds a reference to it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="inner">A map matching the inner template (same type, sizes and flags).</param>
    /// <param name="flags">Update flags (arrays of maps take only Any).</param>
    /// <exception cref="ArgumentException"><paramref name="inner"/> is from the other backend (kernel vs in-memory).</exception>
    /// <exception cref="BpfException">EINVAL (the inner map does not match the template), or another error.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "CA1416", Justification = "Only a kernel map reaches the kernel branch, and kernel maps exist only on Linux.")]
    public void SetInner(in TKey key, BpfMap inner, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.IsInMemory != Map.IsInMemory)
        {
            throw new ArgumentException("The inner map must come from the same backend as the outer map (both kernel or both in-memory).", nameof(inner));
        }

        Map.UpdateInner(KeyBytes(in key), inner, flags);
    }

    /// <summary>Gets the id of the inner map at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="id">The inner map's id.</param>
    /// <returns><see langword="false"/> if no map is stored there.</returns>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public bool TryGetInnerId(in TKey key, out uint id)
    {
        id = 0;
        return Map.TryLookup(KeyBytes(in key), MemoryMarshal.AsBytes(new Span<uint>(ref id)));
    }

    /// <summary>Opens the inner map at <paramref name="key"/> (by its id, for kernel maps).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The inner map, or <see langword="null"/> if no map is stored there. Dispose it when done.</returns>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "CA1416", Justification = "Only a kernel map reaches the kernel branch, and kernel maps exist only on Linux.")]
    public BpfMap? OpenInner(in TKey key)
    {
        if (!TryGetInnerId(in key, out uint id))
        {
            return null;
        }

        return Map.OpenInner(id);
    }

    /// <summary>Removes the inner map at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="false"/> if no map was stored there.</returns>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public bool TryDelete(in TKey key) => Map.TryDelete(KeyBytes(in key));

    /// <inheritdoc/>
    public void Dispose() => Map.Dispose();

    private static ReadOnlySpan<byte> KeyBytes(in TKey key) => MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key));
}
