using System.Runtime.InteropServices;

namespace BpfChannels;

// What a backend (the kernel's KernelBpfMap, the in-memory twin's InMemoryBpfMap) provides. The public BpfMap
// members check their arguments and turn errnos into exceptions; everything that differs between the kernel and
// the twin is one of these overrides, so no code asks which backend a map is.
public abstract partial class BpfMap
{
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

    /// <summary>The map's id: system-wide for kernel maps, process-wide for twins.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    internal abstract uint GetId();

    /// <summary>The map's info as <see cref="GetInfo"/> returns it.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    internal abstract BpfMapInfo GetInfoCore();

    /// <summary>Pins the map at <paramref name="path"/> with <paramref name="mode"/> (see <see cref="Pin"/>).</summary>
    /// <exception cref="NotSupportedException">The backend has no pins (the twin).</exception>
    internal abstract void PinCore(string path, UnixFileMode mode);

    /// <summary>Stores <paramref name="inner"/> (a map of this backend) as the value at <paramref name="key"/> of this map of maps.</summary>
    internal abstract void UpdateInner(ReadOnlySpan<byte> key, BpfMap inner, BpfMapUpdateFlags flags);

    /// <summary>Opens the map of this backend with id <paramref name="id"/> (an inner map's id as a map of maps returns it), or null if there is none.</summary>
    internal abstract BpfMap? OpenInner(uint id);

    /// <summary>How user space may use the map, read when an EPERM or EACCES needs explaining.</summary>
    internal abstract MapAccessState GetAccessState();
}
