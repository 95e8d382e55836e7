using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// The in-memory twin of a kernel map: the same operations with the same outcomes (errno for errno), held in
/// process memory. This class is the syscall layer (kernel/bpf/syscall.c): it checks what the kernel checks for
/// every map type, in the kernel's order, then calls the storage of the map's kind (<see cref="ITwinStorage"/>).
/// Proven against the kernel by the contract suite and the differential suite.
/// </summary>
/// <remarks>
/// Hash maps iterate in the kernel's bucket order (exactly, with <see cref="BpfMapFlags.ZeroSeed"/>); LPM tries in
/// the trie's post-order. A value with a <c>struct bpf_spin_lock</c> (described by the spec's BTF) takes
/// <c>BPF_F_LOCK</c>; its lock word reads as zero, as the kernel returns it. LRU eviction is exact (the kernel's is
/// approximate). Thread-safe: every operation takes one lock.
/// </remarks>
internal sealed unsafe partial class InMemoryBpfMap : BpfMap
{
    private readonly Lock _lock = new();
    private readonly ITwinStorage _storage;
    private readonly TwinMemory? _memory;
    private readonly bool _hasSpinLock;
    private bool _disposed;
    private bool _frozen;
    private int _mappings;
    private int _writableMappings;

    internal InMemoryBpfMap(BpfMapSpec spec)
        : base(spec)
    {
        int spinLock = TwinBtf.SpinLockOffset(spec);
        if (spinLock >= 0 && spec.Type is not (BpfMapType.Hash or BpfMapType.Array))
        {
            throw BpfErrors.Create(EOPNOTSUPP, BpfCommand.MapCreate, spec.Name); // map_check_btf: spin locks only in hash and array values
        }

        _hasSpinLock = spinLock >= 0;
        _storage = CreateStorage(spec, ValueBufferSize, spinLock, out _memory);
        TwinId = TwinRegistry.Register(this);
    }

    /// <summary>The twin's map id, unique in the process (what map-of-maps lookups return).</summary>
    internal uint TwinId { get; }

    public override bool IsInMemory => true;

    public override bool IsDisposed => _disposed;

    public override BpfHandle Handle => throw new NotSupportedException($"Map '{Name}' is an in-memory twin and has no kernel descriptor.");

    public override bool IsFrozen
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _frozen;
        }
    }

    /// <summary>map_get_sys_perms: the descriptor of a map created write-only cannot read.</summary>
    private bool CanRead => (Flags & BpfMapFlags.WriteOnly) == 0;

    /// <summary>map_get_sys_perms: a map created read-only, or frozen since, cannot be written through the syscall.</summary>
    private bool CanWrite => (Flags & BpfMapFlags.ReadOnly) == 0 && !_frozen;

    /// <summary>The live, undisposed twin with id <paramref name="id"/>, or <see langword="null"/>.</summary>
    internal static InMemoryBpfMap? FromId(uint id) => TwinRegistry.Find(id);

    /// <summary>Whether the twin models <paramref name="type"/>.</summary>
    internal static bool IsSupported(BpfMapType type) => type is BpfMapType.Hash or BpfMapType.LruHash or BpfMapType.PerCpuHash
        or BpfMapType.LruPerCpuHash or BpfMapType.HashOfMaps or BpfMapType.Array or BpfMapType.PerCpuArray or BpfMapType.ArrayOfMaps
        or BpfMapType.LpmTrie or BpfMapType.Queue or BpfMapType.Stack or BpfMapType.RingBuffer or BpfMapType.UserRingBuffer;

    internal override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // map_lookup_elem: unknown flag bits, then read access, then BPF_F_LOCK without a spin lock.
            if ((flags & ~TwinRules.BPF_F_LOCK) != 0)
            {
                return EINVAL;
            }

            if (!CanRead)
            {
                return EPERM;
            }

            return TwinRules.LockAllowed(flags, _hasSpinLock) ? _storage.Lookup(key, value, flags) : EINVAL;
        }
    }

    internal override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!CanWrite)
            {
                return EPERM;
            }

            return TwinRules.LockAllowed(flags, _hasSpinLock) ? _storage.Update(key, value, flags) : EINVAL;
        }
    }

    internal override int DeleteCore(ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return CanWrite ? _storage.Delete(key) : EPERM;
        }
    }

    internal override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // map_lookup_and_delete_elem: unknown flag bits, then write access, then flags on a queue or stack,
            // then BPF_F_LOCK without a spin lock.
            if ((flags & ~TwinRules.BPF_F_LOCK) != 0)
            {
                return EINVAL;
            }

            if (!CanRead || !CanWrite)
            {
                return EPERM;
            }

            if ((flags != 0 && Type is BpfMapType.Queue or BpfMapType.Stack) || !TwinRules.LockAllowed(flags, _hasSpinLock))
            {
                return EINVAL;
            }

            return _storage.LookupAndDelete(key, value, flags);
        }
    }

    internal override int GetNextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return CanRead ? _storage.GetNextKey(key, nextKey) : EPERM;
        }
    }

    internal override int FreezeCore()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // map_freeze: maps with special fields in their values cannot be frozen; a frozen map is no longer
            // writable, and freezing needs write access (EPERM); a writable mapping keeps it busy.
            if (_hasSpinLock)
            {
                return ENOTSUPP;
            }

            if (!CanWrite)
            {
                return EPERM;
            }

            if (_writableMappings > 0)
            {
                return EBUSY;
            }

            _frozen = true;
            return 0;
        }
    }

    internal override int LookupBatchCore(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int err = CheckBatch(delete ? TwinBatchSupport.LookupAndDelete : TwinBatchSupport.Lookup, read: true, write: delete, elemFlags);
            if (err != 0)
            {
                count = 0;
                return err;
            }

            err = _storage.LookupBatch(delete, inBatch, outBatch, keys, values, ref count, elemFlags);
            return err == TwinBatch.UseGeneric
                ? TwinBatch.GenericLookup(_storage, KeySize, ValueBufferSize, inBatch, outBatch, keys, values, ref count, elemFlags)
                : err;
        }
    }

    internal override int UpdateBatchCore(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref int count, ulong elemFlags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int err = CheckBatch(TwinBatchSupport.Update, read: false, write: true, elemFlags);
            if (err != 0)
            {
                count = 0;
                return err;
            }

            return TwinBatch.GenericUpdate(_storage, KeySize, ValueBufferSize, keys, values, ref count, elemFlags);
        }
    }

    internal override int DeleteBatchCore(ReadOnlySpan<byte> keys, ref int count, ulong elemFlags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int err = CheckBatch(TwinBatchSupport.Delete, read: false, write: true, elemFlags);
            if (err != 0)
            {
                count = 0;
                return err;
            }

            return TwinBatch.GenericDelete(_storage, KeySize, keys, ref count);
        }
    }

    internal override byte* AcquireMappedMemory(bool writable, out nuint length)
    {
        if (Type != BpfMapType.Array || (Flags & BpfMapFlags.Mmapable) == 0)
        {
            throw new InvalidOperationException($"Map '{Name}' is not an Mmapable array (create it with BpfMapFlags.Mmapable).");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (writable && (_frozen || (Flags & BpfMapFlags.ReadOnly) != 0))
            {
                throw new InvalidOperationException($"Map '{Name}' can only be mapped read-only here (it is frozen or read-only for user space); read it with ReadSnapshot.");
            }

            // The memory is a SafeHandle: a reference held here keeps it allocated, even across Dispose, until released.
            bool added = false;
            _memory!.DangerousAddRef(ref added);
            _mappings++;
            _writableMappings += writable ? 1 : 0;
            length = _memory.Length;
            return _memory.Pointer;
        }
    }

    internal override void ReleaseMappedMemory()
    {
        lock (_lock)
        {
            // Releases do not say which lease they end; when the last one ends no writable mapping is left.
            if (--_mappings == 0)
            {
                _writableMappings = 0;
            }
        }

        _memory!.DangerousRelease();
    }

    protected override void Dispose(bool disposing)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        TwinRegistry.Unregister(TwinId);
        _memory?.Dispose();
    }

    private static ITwinStorage CreateStorage(BpfMapSpec spec, int valueBufferSize, int spinLockOffset, out TwinMemory? memory)
    {
        memory = null;
        switch (spec.Type)
        {
            case BpfMapType.Hash or BpfMapType.LruHash or BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash or BpfMapType.HashOfMaps:
                return new HashStorage(spec, valueBufferSize, spinLockOffset);
            case BpfMapType.Array or BpfMapType.PerCpuArray or BpfMapType.ArrayOfMaps:
                var array = new ArrayStorage(spec, valueBufferSize, spinLockOffset);
                memory = array.Memory;
                return array;
            case BpfMapType.LpmTrie:
                return new LpmTrieStorage(spec);
            case BpfMapType.Queue or BpfMapType.Stack:
                return new QueueStorage(spec);
            default:
                return new NoElementStorage();
        }
    }

    /// <summary>bpf_map_do_batch: read and write access as the command needs, the command's op, then the generic elem_flags rule.</summary>
    private int CheckBatch(TwinBatchSupport command, bool read, bool write, ulong elemFlags)
    {
        if ((read && !CanRead) || (write && !CanWrite))
        {
            return EPERM;
        }

        if ((_storage.BatchSupport & command) == 0)
        {
            return ENOTSUPP;
        }

        return TwinRules.CheckLockOnly(elemFlags, _hasSpinLock);
    }
}
