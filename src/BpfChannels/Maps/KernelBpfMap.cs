using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static BpfChannels.Interop.Bpf;
using static BpfChannels.Interop.Bpf.bpf_cmd;

namespace BpfChannels;

/// <summary>A map in the kernel, reached through its descriptor. Every command goes through <see cref="Interop.Bpf.Call"/>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe class KernelBpfMap : BpfMap
{
    private readonly BpfHandle _handle;
    private readonly Lock _mapLock = new();
    private MappedMemory? _mapping;
    private bool _mappedWritable;

    internal KernelBpfMap(BpfHandle handle, BpfMapSpec spec)
        : base(spec)
    {
        _handle = handle;
    }

    public override bool IsInMemory => false;

    public override bool IsDisposed => _handle.IsClosed;

    public override BpfHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    public override bool IsFrozen
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return BpfMapInfo.ReadFdInfo(_handle, "frozen") == "1";
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            return Elem(BPF_MAP_LOOKUP_ELEM, k, v, flags);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            return Elem(BPF_MAP_UPDATE_ELEM, k, v, flags);
        }
    }

    internal override int DeleteCore(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
        {
            return Elem(BPF_MAP_DELETE_ELEM, k, null, 0);
        }
    }

    internal override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            return Elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, k, v, flags);
        }
    }

    internal override int GetNextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            return Elem(BPF_MAP_GET_NEXT_KEY, key.IsEmpty ? null : k, n, 0);
        }
    }

    internal override int FreezeCore()
    {
        using var lease = new HandleLease(_handle);
        var attr = new bpf_attr_map_fd { map_fd = (uint)lease.FileDescriptor };
        int result = Call(BPF_MAP_FREEZE, ref attr);
        return result < 0 ? -result : 0;
    }

    internal override int LookupBatchCore(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags)
    {
        fixed (byte* i = inBatch)
        fixed (byte* o = outBatch)
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            return Batch(delete ? BPF_MAP_LOOKUP_AND_DELETE_BATCH : BPF_MAP_LOOKUP_BATCH, inBatch.IsEmpty ? null : i, o, k, v, ref count, elemFlags);
        }
    }

    internal override int UpdateBatchCore(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref int count, ulong elemFlags)
    {
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            return Batch(BPF_MAP_UPDATE_BATCH, null, null, k, v, ref count, elemFlags);
        }
    }

    internal override int DeleteBatchCore(ReadOnlySpan<byte> keys, ref int count, ulong elemFlags)
    {
        fixed (byte* k = keys)
        {
            return Batch(BPF_MAP_DELETE_BATCH, null, null, k, null, ref count, elemFlags);
        }
    }

    internal override byte* AcquireMappedMemory(bool writable, out nuint length)
    {
        lock (_mapLock)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            _mapping ??= MapMemory();
            if (writable && !_mappedWritable)
            {
                throw new InvalidOperationException($"Map '{Name}' can only be mapped read-only here (it is frozen, read-only for user space, or its descriptor was opened read-only); read it with ReadSnapshot.");
            }

            // The mapping is a SafeHandle: a reference held here keeps it mapped, even across Dispose, until released.
            bool added = false;
            _mapping.DangerousAddRef(ref added);
            length = _mapping.Length;
            return _mapping.Pointer;
        }
    }

    internal override void ReleaseMappedMemory() => _mapping!.DangerousRelease();

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

    private MappedMemory MapMemory()
    {
        if (Type != BpfMapType.Array || (Flags & BpfMapFlags.Mmapable) == 0)
        {
            throw new InvalidOperationException($"Map '{Name}' is not an Mmapable array (create it with BpfMapFlags.Mmapable).");
        }

        nuint page = (nuint)Environment.SystemPageSize;
        nuint size = (nuint)PerCpuStride(ValueSize) * (nuint)MaxEntries;
        size = (size + page - 1) & ~(page - 1);
        int errno = Interop.Errno.EACCES;
        MappedMemory? mapping = (Flags & BpfMapFlags.ReadOnly) != 0
            ? null
            : MappedMemory.TryMap(_handle, size, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, 0, out errno);
        _mappedWritable = mapping is not null;

        // The kernel refuses a writable mapping of a frozen map (EPERM), of a map programs may only read, and
        // through a read-only descriptor (EACCES); a snapshot needs only to read.
        if (mapping is null && errno is Interop.Errno.EACCES or Interop.Errno.EPERM)
        {
            mapping = MappedMemory.TryMap(_handle, size, Interop.Libc.PROT_READ, 0, out errno);
        }

        return mapping ?? throw BpfErrors.Create(errno, "mmap", Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Elem(bpf_cmd cmd, byte* key, byte* value, ulong flags)
    {
        using var lease = new HandleLease(_handle);
        bpf_attr_map_elem attr = default;
        attr.map_fd = (uint)lease.FileDescriptor;
        attr.key = (ulong)key;
        attr.value = (ulong)value;
        attr.flags = flags;
        int result = Call(cmd, &attr, (uint)sizeof(bpf_attr_map_elem));
        return result < 0 ? -result : 0;
    }

    private int Batch(bpf_cmd cmd, byte* inBatch, byte* outBatch, byte* keys, byte* values, ref int count, ulong elemFlags)
    {
        using var lease = new HandleLease(_handle);
        bpf_attr_batch attr = default;
        attr.in_batch = (ulong)inBatch;
        attr.out_batch = (ulong)outBatch;
        attr.keys = (ulong)keys;
        attr.values = (ulong)values;
        attr.count = (uint)count;
        attr.map_fd = (uint)lease.FileDescriptor;
        attr.elem_flags = elemFlags;
        int result = Call(cmd, &attr, (uint)sizeof(bpf_attr_batch));

        // The kernel writes count back only once it has started on the elements; a write batch that
        // fails partway stops before the last element, so an unchanged full count means none was applied.
        bool rejectedUpFront = result < 0 && attr.count == (uint)count && keys != null && outBatch == null;
        count = rejectedUpFront ? 0 : (int)attr.count;
        return result < 0 ? -result : 0;
    }
}
