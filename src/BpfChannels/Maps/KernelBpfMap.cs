using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// A map in the kernel, reached through its descriptor: the kernel backend of <see cref="BpfMap"/>. Every command
/// is one typed <see cref="Interop.Bpf"/> function; this class only chooses them and names the map in errors.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe partial class KernelBpfMap : BpfMap
{
    private readonly BpfHandle _handle;

    internal KernelBpfMap(BpfHandle handle, BpfMapSpec spec)
        : base(spec)
    {
        _handle = handle;
    }

    public override bool IsInMemory => false;

    public override bool IsDisposed => DisposeCalled || _handle.IsClosed;

    public override BpfHandle Handle
    {
        get
        {
            ThrowIfDisposed();
            return _handle;
        }
    }

    public override bool IsFrozen
    {
        get
        {
            ThrowIfDisposed();
            return BpfFdInfo.Read(_handle).TryGetNumber("frozen", out long frozen) && frozen == 1;
        }
    }

    // The element operations check for a dispose first only so that a disposed map is named in the exception; the
    // handle's own reference count (taken inside Interop) is what keeps a concurrent Dispose from closing it mid-call.
    // DisposeCalled as well as IsClosed: while a walk holds its lease, a disposed handle does not read as closed yet.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapLookupElem(_handle, key, value, flags);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapUpdateElem(_handle, key, value, flags);
    }

    internal override int DeleteCore(ReadOnlySpan<byte> key)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapDeleteElem(_handle, key);
    }

    internal override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapLookupAndDeleteElem(_handle, key, value, flags);
    }

    internal override int GetNextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapGetNextKey(_handle, key, nextKey);
    }

    internal override int FreezeCore()
    {
        ThrowIfClosed();
        return Interop.Bpf.MapFreeze(_handle);
    }

    internal override int LookupBatchCore(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapLookupBatch(_handle, delete, inBatch, outBatch, keys, values, ref count, elemFlags);
    }

    internal override int UpdateBatchCore(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref int count, ulong elemFlags)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapUpdateBatch(_handle, keys, values, ref count, elemFlags);
    }

    internal override int DeleteBatchCore(ReadOnlySpan<byte> keys, ref int count, ulong elemFlags)
    {
        ThrowIfClosed();
        return Interop.Bpf.MapDeleteBatch(_handle, keys, ref count, elemFlags);
    }

    internal override uint GetId()
    {
        ThrowIfDisposed();
        return BpfMapInfo.IdOf(_handle);
    }

    internal override BpfMapInfo GetInfoCore()
    {
        ThrowIfDisposed();
        return BpfMapInfo.FromHandle(_handle);
    }

    internal override void PinCore(string path, UnixFileMode mode) => PinHandle(_handle, path, mode, DisplayName);

    internal override void UpdateInner(ReadOnlySpan<byte> key, BpfMap inner, BpfMapUpdateFlags flags)
    {
        // The kernel takes the inner map's descriptor and stores the map itself; the lease keeps that number ours until it has.
        using var lease = new HandleLease(inner.Handle);
        int fd = lease.FileDescriptor;
        Update(key, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in fd)), flags);
    }

    internal override BpfMap? OpenInner(uint id) => OpenId(id, BpfPinAccess.ReadWrite);

    internal override MapAccessState GetAccessState()
    {
        // /proc/self/fdinfo gives the descriptor's open flags (octal; O_ACCMODE is the low two bits) and the frozen state.
        BpfFdInfo fdinfo = BpfFdInfo.Read(_handle);
        string? flags = fdinfo.GetValue("flags");
        int mode = flags is null ? 2 : Convert.ToInt32(flags, 8) & 3;
        return new MapAccessState(fdinfo.TryGetNumber("frozen", out long frozen) && frozen == 1, mode == 0, mode == 1);
    }

    protected override void Dispose(bool disposing)
    {
        lock (_mapLock)
        {
            // Unmapped now, or when the last reader still copying out of it (a poll racing shutdown) releases it.
            _mapping?.Dispose();
            if (disposing)
            {
                _handle.Dispose();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfClosed()
    {
        if (DisposeCalled || _handle.IsClosed)
        {
            throw Disposed();
        }
    }
}
