using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// The in-memory twin of a kernel map: the same operations with the same outcomes (errno for errno), held
/// in process memory. Proven against the kernel by the contract test suite.
/// </summary>
/// <remarks>
/// Hash-like maps iterate in insertion order (the kernel's order is its bucket order: callers must not rely
/// on either). LRU eviction is exact (the kernel's is approximate). Spin locks are not modelled, so
/// <c>BPF_F_LOCK</c> fails with EINVAL as it does on a kernel map without a <c>struct bpf_spin_lock</c>.
/// Every operation takes one lock.
/// </remarks>
internal sealed unsafe partial class InMemoryBpfMap : BpfMap
{
    private const ulong BPF_F_LOCK = 4;
    private const ulong BPF_NOEXIST = 1;
    private const ulong BPF_EXIST = 2;

    private static readonly ConcurrentDictionary<uint, WeakReference<InMemoryBpfMap>> Registry = new();
    private static int s_nextId;

    private readonly Lock _lock = new();
    private readonly Kind _kind;

    // Hash-like maps (hash, LRU, per-CPU hash, LPM trie, hash of maps): entries indexed by key, kept in a
    // list in order of their last write (oldest first: the LRU end), each with an increasing sequence
    // number. The batch cursor is the sequence number to resume from, so a walk survives deletions.
    private readonly Dictionary<byte[], Entry>? _index;
    private readonly Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly LinkedList<Entry>? _order;
    private readonly Dictionary<ulong, Entry>? _bySeq;
    private ulong _nextSeq = 1;

    // Arrays: one slot per index, each ElementStride bytes (the kernel rounds values up to 8 bytes).
    private readonly byte[]? _array;
    private readonly bool[]? _present;
    private readonly int _elementStride;

    // Queues and stacks: the oldest element first.
    private readonly LinkedList<byte[]>? _queue;

    private bool _disposed;
    private bool _frozen;
    private bool _mapped;

    internal InMemoryBpfMap(BpfMapSpec spec)
        : base(spec)
    {
        _kind = KindOf(spec.Type);
        TwinId = (uint)Interlocked.Increment(ref s_nextId);
        switch (_kind)
        {
            case Kind.Hash:
            case Kind.Lpm:
                _index = new Dictionary<byte[], Entry>(ByteArrayComparer.Instance);
                _lookup = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
                _order = new LinkedList<Entry>();
                _bySeq = [];
                break;
            case Kind.Array:
                _elementStride = spec.IsPerCpu ? ValueBufferSize : PerCpuStride(spec.ValueSize);
                _array = GC.AllocateArray<byte>(checked(_elementStride * spec.MaxEntries), pinned: true);
                _present = spec.Type == BpfMapType.ArrayOfMaps ? new bool[spec.MaxEntries] : null;
                break;
            case Kind.Queue:
            case Kind.Stack:
                _queue = new LinkedList<byte[]>();
                break;
            default:
                break;
        }

        Registry[TwinId] = new WeakReference<InMemoryBpfMap>(this);
    }

    private enum Kind
    {
        Hash,
        Lpm,
        Array,
        Queue,
        Stack,
        NoElements,
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

    private bool IsLru => Type is BpfMapType.LruHash or BpfMapType.LruPerCpuHash;

    private bool IsMapOfMaps => Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps;

    internal static InMemoryBpfMap? FromId(uint id) =>
        Registry.TryGetValue(id, out WeakReference<InMemoryBpfMap>? weak) && weak.TryGetTarget(out InMemoryBpfMap? map) && !map.IsDisposed ? map : null;

    internal static bool IsSupported(BpfMapType type) => KindOf(type) != Kind.NoElements
        || type is BpfMapType.RingBuffer or BpfMapType.UserRingBuffer;

    internal override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (flags != 0)
            {
                return EINVAL; // only BPF_F_LOCK is defined, and the twin has no spin lock
            }

            switch (_kind)
            {
                case Kind.Hash:
                    if (!_lookup.TryGetValue(key, out Entry? entry))
                    {
                        return ENOENT;
                    }

                    entry.Value.CopyTo(value);
                    return 0;
                case Kind.Lpm:
                    Entry? match = LongestPrefixMatch(key);
                    if (match is null)
                    {
                        return ENOENT;
                    }

                    match.Value.CopyTo(value);
                    return 0;
                case Kind.Array:
                    uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
                    if (index >= (uint)MaxEntries || (_present is not null && !_present[index]))
                    {
                        return ENOENT;
                    }

                    Slot(index).Slice(0, ValueBufferSize).CopyTo(value);
                    return 0;
                case Kind.Queue:
                case Kind.Stack:
                    LinkedListNode<byte[]>? head = _kind == Kind.Queue ? _queue!.First : _queue!.Last;
                    if (head is null)
                    {
                        return ENOENT;
                    }

                    head.Value.CopyTo(value);
                    return 0;
                default:
                    return ENOTSUPP;
            }
        }
    }

    internal override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _frozen ? EPERM : UpdateLocked(key, value, flags);
        }
    }

    internal override int DeleteCore(ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _frozen ? EPERM : DeleteLocked(key);
        }
    }

    internal override int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_frozen)
            {
                return EPERM;
            }

            switch (_kind)
            {
                case Kind.Queue:
                case Kind.Stack:
                    if (flags != 0)
                    {
                        return EINVAL;
                    }

                    LinkedListNode<byte[]>? head = _kind == Kind.Queue ? _queue!.First : _queue!.Last;
                    if (head is null)
                    {
                        return ENOENT;
                    }

                    head.Value.CopyTo(value);
                    _queue.Remove(head);
                    return 0;
                case Kind.Hash when !IsMapOfMaps:
                    if (flags != 0)
                    {
                        return EINVAL;
                    }

                    if (!_lookup.TryGetValue(key, out Entry? entry))
                    {
                        return ENOENT;
                    }

                    entry.Value.CopyTo(value);
                    Remove(entry);
                    return 0;
                default:
                    return ENOTSUPP;
            }
        }
    }

    internal override int GetNextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            switch (_kind)
            {
                case Kind.Hash:
                case Kind.Lpm:
                    Entry? current = null;
                    if (!key.IsEmpty)
                    {
                        if (_kind == Kind.Hash)
                        {
                            _ = _lookup.TryGetValue(key, out current);
                        }
                        else
                        {
                            current = FindExactPrefix(key);
                        }
                    }

                    // Like the kernel: a key that is not in the map yields the first key.
                    Entry? next = current is null ? First : current.Node.Next?.Value;
                    if (next is null)
                    {
                        return ENOENT;
                    }

                    next.Key.CopyTo(nextKey);
                    return 0;
                case Kind.Array:
                    uint index = key.IsEmpty ? uint.MaxValue : BinaryPrimitives.ReadUInt32LittleEndian(key);
                    uint following = index >= (uint)MaxEntries ? 0 : index + 1;
                    if (following >= (uint)MaxEntries)
                    {
                        return ENOENT;
                    }

                    BinaryPrimitives.WriteUInt32LittleEndian(nextKey, following);
                    return 0;
                case Kind.Queue:
                case Kind.Stack:
                    return EINVAL;
                default:
                    return ENOTSUPP;
            }
        }
    }

    internal override int FreezeCore()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_frozen)
            {
                return EPERM; // a frozen map is no longer writable, and freezing needs write access
            }

            if (_mapped && (Flags & BpfMapFlags.ReadOnly) == 0)
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
            int max = count;
            count = 0;
            if (elemFlags != 0)
            {
                return EINVAL;
            }

            if (delete && _frozen)
            {
                return EPERM;
            }

            if (_kind == Kind.Lpm && !delete)
            {
                return GenericLookupBatch(inBatch, outBatch, keys, values, max, ref count);
            }

            if (_kind == Kind.Array && !delete)
            {
                // The kernel's generic batch: the cursor is the last key returned.
                uint index = inBatch.IsEmpty ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(inBatch) + 1;
                int copied = 0;
                for (; copied < max && index < (uint)MaxEntries; index++)
                {
                    if (_present is not null && !_present[index])
                    {
                        continue;
                    }

                    BinaryPrimitives.WriteUInt32LittleEndian(keys.Slice(copied * KeySize), index);
                    Slot(index).Slice(0, ValueBufferSize).CopyTo(values.Slice(copied * ValueBufferSize));
                    BinaryPrimitives.WriteUInt32LittleEndian(outBatch, index);
                    copied++;
                }

                count = copied;
                return index >= (uint)MaxEntries ? ENOENT : 0;
            }

            if (_kind != Kind.Hash)
            {
                return ENOTSUPP;
            }

            if (delete && IsMapOfMaps)
            {
                return ENOTSUPP;
            }

            // The hash batch: the cursor is the sequence number to resume from.
            ulong start = inBatch.IsEmpty ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(inBatch);
            Entry? entry = start == 0 ? First : AtOrAfter(start);
            int n = 0;
            while (entry is not null && n < max)
            {
                entry.Key.CopyTo(keys.Slice(n * KeySize));
                entry.Value.CopyTo(values.Slice(n * ValueBufferSize));
                n++;
                Entry? following = entry.Node.Next?.Value;
                if (delete)
                {
                    Remove(entry);
                }

                entry = following;
            }

            count = n;
            BinaryPrimitives.WriteUInt64LittleEndian(outBatch, entry?.Seq ?? ulong.MaxValue);
            return entry is null ? ENOENT : 0;
        }
    }

    internal override int UpdateBatchCore(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref int count, ulong elemFlags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int max = count;
            count = 0;
            int err = CheckWriteBatch(elemFlags);
            if (err != 0)
            {
                return err;
            }

            // The kernel's generic batch: each element in order with elem_flags, stopping at the first failure.
            for (int i = 0; i < max; i++)
            {
                err = UpdateLocked(keys.Slice(i * KeySize, KeySize), values.Slice(i * ValueBufferSize, ValueBufferSize), elemFlags);
                if (err != 0)
                {
                    return err;
                }

                count = i + 1;
            }

            return 0;
        }
    }

    internal override int DeleteBatchCore(ReadOnlySpan<byte> keys, ref int count, ulong elemFlags)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int max = count;
            count = 0;
            if (_kind is not (Kind.Hash or Kind.Lpm))
            {
                return ENOTSUPP;
            }

            int err = CheckWriteBatch(elemFlags);
            if (err != 0)
            {
                return err;
            }

            for (int i = 0; i < max; i++)
            {
                err = DeleteLocked(keys.Slice(i * KeySize, KeySize));
                if (err != 0)
                {
                    return err;
                }

                count = i + 1;
            }

            return 0;
        }
    }

    internal override void ReleaseMappedMemory()
    {
        // The pinned array lives as long as the twin; nothing to release.
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
            _mapped |= writable;
            length = (nuint)_array!.Length;
            return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        }
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

        _ = Registry.TryRemove(TwinId, out _);
    }

    private static Kind KindOf(BpfMapType type) => type switch
    {
        BpfMapType.Hash or BpfMapType.LruHash or BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash or BpfMapType.HashOfMaps => Kind.Hash,
        BpfMapType.LpmTrie => Kind.Lpm,
        BpfMapType.Array or BpfMapType.PerCpuArray or BpfMapType.ArrayOfMaps => Kind.Array,
        BpfMapType.Queue => Kind.Queue,
        BpfMapType.Stack => Kind.Stack,
        _ => Kind.NoElements,
    };

    /// <summary>The kernel's generic_map_lookup_batch: a get_next_key walk whose cursor is the last key returned.</summary>
    private int GenericLookupBatch(ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, int max, ref int count)
    {
        Span<byte> cursor = KeySize <= 256 ? stackalloc byte[KeySize] : new byte[KeySize];
        bool hasCursor = !inBatch.IsEmpty;
        if (hasCursor)
        {
            inBatch.Slice(0, KeySize).CopyTo(cursor);
        }

        int copied = 0;
        while (copied < max)
        {
            Span<byte> key = keys.Slice(copied * KeySize, KeySize);
            Entry? next = hasCursor && FindExactPrefix(cursor) is { } current ? current.Node.Next?.Value : First;
            if (next is null)
            {
                count = copied;
                return ENOENT;
            }

            next.Key.CopyTo(key);
            next.Value.CopyTo(values.Slice(copied * ValueBufferSize));
            key.CopyTo(cursor);
            key.CopyTo(outBatch);
            hasCursor = true;
            copied++;
        }

        count = copied;
        return 0;
    }

    private int CheckWriteBatch(ulong elemFlags)
    {
        if (_frozen)
        {
            return EPERM;
        }

        if (_kind is not (Kind.Hash or Kind.Array or Kind.Lpm))
        {
            return ENOTSUPP;
        }

        // The kernel's batch writes accept only BPF_F_LOCK in elem_flags (and the twin has no spin lock).
        return elemFlags != 0 ? EINVAL : 0;
    }

    private int UpdateLocked(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if ((flags & ~BPF_F_LOCK) > BPF_EXIST)
        {
            return EINVAL;
        }

        switch (_kind)
        {
            case Kind.Hash:
            case Kind.Lpm:
                return UpdateHash(key, value, flags);
            case Kind.Array:
                if ((flags & BPF_F_LOCK) != 0 || (IsMapOfMaps && flags != 0))
                {
                    return EINVAL;
                }

                uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
                if (index >= (uint)MaxEntries)
                {
                    return E2BIG;
                }

                if (flags == BPF_NOEXIST)
                {
                    return EEXIST;
                }

                if (IsMapOfMaps)
                {
                    return SetInner(Slot(index), index, value);
                }

                value.CopyTo(Slot(index));
                return 0;
            case Kind.Queue:
            case Kind.Stack:
                if ((flags & (BPF_NOEXIST | BPF_F_LOCK)) != 0)
                {
                    return EINVAL;
                }

                if (_queue!.Count >= MaxEntries)
                {
                    if (flags != BPF_EXIST)
                    {
                        return E2BIG;
                    }

                    _queue.RemoveFirst(); // BPF_EXIST overwrites the oldest element, for a stack too
                }

                _ = _queue.AddLast(value.ToArray());
                return 0;
            default:
                return ENOTSUPP;
        }
    }

    private int UpdateHash(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if ((flags & BPF_F_LOCK) != 0)
        {
            return EINVAL;
        }

        Entry? entry;
        if (_kind == Kind.Lpm)
        {
            if (PrefixLength(key) > (uint)(KeySize - 4) * 8)
            {
                return EINVAL;
            }

            entry = FindExactPrefix(key);
        }
        else
        {
            _ = _lookup.TryGetValue(key, out entry);
        }

        if (IsMapOfMaps)
        {
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(value);
            if (FromId(id) is null)
            {
                return EBADF;
            }
        }

        if (entry is not null)
        {
            if (flags == BPF_NOEXIST)
            {
                return EEXIST;
            }

            // An update is a new element in the kernel: for LRU maps it becomes the most recently used.
            _order!.Remove(entry.Node);
            _ = _bySeq!.Remove(entry.Seq);
            entry.Seq = _nextSeq++;
            if (entry.Value.Length == value.Length)
            {
                value.CopyTo(entry.Value); // values keep their size: rewrite in place, no allocation
            }
            else
            {
                entry.Value = value.ToArray();
            }
            if (_kind == Kind.Lpm)
            {
                entry.Key = key.ToArray();
            }

            _order.AddLast(entry.Node);
            _bySeq.Add(entry.Seq, entry);
            return 0;
        }

        if (flags == BPF_EXIST)
        {
            return ENOENT;
        }

        if (_index!.Count >= MaxEntries)
        {
            if (!IsLru)
            {
                return _kind == Kind.Lpm ? ENOSPC : E2BIG;
            }

            Remove(First!);
        }

        byte[] keyBytes = key.ToArray();
        var created = new Entry(keyBytes, value.ToArray(), _nextSeq++);
        _index.Add(_kind == Kind.Lpm ? NormalizedPrefix(key, PrefixLength(key)) : keyBytes, created);
        _order!.AddLast(created.Node);
        _bySeq!.Add(created.Seq, created);
        return 0;
    }

    private int DeleteLocked(ReadOnlySpan<byte> key)
    {
        switch (_kind)
        {
            case Kind.Hash:
                if (!_lookup.TryGetValue(key, out Entry? entry))
                {
                    return ENOENT;
                }

                Remove(entry);
                return 0;
            case Kind.Lpm:
                if (PrefixLength(key) > (uint)(KeySize - 4) * 8)
                {
                    return EINVAL;
                }

                Entry? prefix = FindExactPrefix(key);
                if (prefix is null)
                {
                    return ENOENT;
                }

                Remove(prefix);
                return 0;
            case Kind.Array when _present is not null:
                uint slot = BinaryPrimitives.ReadUInt32LittleEndian(key);
                if (slot >= (uint)MaxEntries)
                {
                    return E2BIG;
                }

                if (!_present[slot])
                {
                    return ENOENT;
                }

                _present[slot] = false;
                Slot(slot).Clear();
                return 0;
            case Kind.Array:
            case Kind.Queue:
            case Kind.Stack:
                return EINVAL;
            default:
                return ENOTSUPP;
        }
    }

    private int SetInner(Span<byte> slot, uint index, ReadOnlySpan<byte> value)
    {
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(value);
        if (FromId(id) is null)
        {
            return EBADF;
        }

        value.CopyTo(slot);
        _present![index] = true;
        return 0;
    }

    private Span<byte> Slot(uint index) => _array.AsSpan((int)index * _elementStride, _elementStride);

    private void Remove(Entry entry)
    {
        _order!.Remove(entry.Node);
        _ = _bySeq!.Remove(entry.Seq);
        if (_kind == Kind.Lpm)
        {
            _ = _lookup.Remove(NormalizedPrefix(entry.Key, PrefixLength(entry.Key)));
        }
        else
        {
            _ = _index!.Remove(entry.Key);
        }
    }

    private Entry? First => _order!.First?.Value;

    /// <summary>The entry with sequence number <paramref name="seq"/>, or if it is gone, the next one written after it.</summary>
    private Entry? AtOrAfter(ulong seq)
    {
        if (_bySeq!.TryGetValue(seq, out Entry? entry))
        {
            return entry;
        }

        // The cursor's entry was deleted or rewritten since: scan for the oldest entry written after it.
        Entry? found = null;
        for (LinkedListNode<Entry>? node = _order!.First; node is not null; node = node.Next)
        {
            if (node.Value.Seq > seq && (found is null || node.Value.Seq < found.Seq))
            {
                found = node.Value;
            }
        }

        return found;
    }

    private static uint PrefixLength(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadUInt32LittleEndian(key);

    /// <summary>The prefix length followed by the data with every bit past the prefix cleared: what identifies a trie node.</summary>
    private static byte[] NormalizedPrefix(ReadOnlySpan<byte> key, uint prefixLength)
    {
        byte[] normalized = new byte[key.Length];
        WriteNormalized(key, prefixLength, normalized);
        return normalized;
    }

    private static void WriteNormalized(ReadOnlySpan<byte> key, uint prefixLength, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, prefixLength);
        ReadOnlySpan<byte> data = key.Slice(4);
        Span<byte> target = destination.Slice(4);
        target.Clear();
        int fullBytes = (int)(prefixLength / 8);
        data.Slice(0, fullBytes).CopyTo(target);
        int bits = (int)(prefixLength % 8);
        if (bits != 0)
        {
            target[fullBytes] = (byte)(data[fullBytes] & (0xFF << (8 - bits)));
        }
    }

    private Entry? FindExactPrefix(ReadOnlySpan<byte> key)
    {
        uint prefixLength = PrefixLength(key);
        if (prefixLength > (uint)(KeySize - 4) * 8)
        {
            return null;
        }

        Span<byte> probe = KeySize <= 256 ? stackalloc byte[KeySize] : new byte[KeySize];
        WriteNormalized(key, prefixLength, probe);
        return _lookup.TryGetValue(probe, out Entry? entry) ? entry : null;
    }

    private Entry? LongestPrefixMatch(ReadOnlySpan<byte> key)
    {
        uint maxPrefix = Math.Min(PrefixLength(key), (uint)(KeySize - 4) * 8);
        Span<byte> probe = KeySize <= 256 ? stackalloc byte[KeySize] : new byte[KeySize];
        for (int prefixLength = (int)maxPrefix; prefixLength >= 0; prefixLength--)
        {
            WriteNormalized(key, (uint)prefixLength, probe);
            if (_lookup.TryGetValue(probe, out Entry? entry))
            {
                return entry;
            }
        }

        return null;
    }

    private sealed class Entry
    {
        public Entry(byte[] key, byte[] value, ulong seq)
        {
            Key = key;
            Value = value;
            Seq = seq;
            Node = new LinkedListNode<Entry>(this);
        }

        public byte[] Key { get; set; }

        public byte[] Value { get; set; }

        public ulong Seq { get; set; }

        public LinkedListNode<Entry> Node { get; }
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
