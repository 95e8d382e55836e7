using System.Buffers.Binary;
using System.Numerics;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// Hash, LRU hash, per-CPU hash, LRU per-CPU hash and hash of maps, laid out as kernel/bpf/hashtab.c lays them
/// out: <c>roundup_pow_of_two(max_entries)</c> buckets picked by jhash with the map's seed, each a list with the
/// newest element first. Iteration, get_next_key and the bucket-at-a-time batch walk (with its ENOSPC when a
/// bucket does not fit) therefore visit elements in the kernel's order; with <see cref="BpfMapFlags.ZeroSeed"/>
/// the order is the kernel's exactly.
/// </summary>
/// <remarks>
/// An update of a present key is a new element at the head of its bucket, as in the kernel, except where the
/// kernel updates in place (per-CPU values, hash of maps, BPF_F_LOCK on a value with a spin lock). LRU eviction is exact
/// (oldest write first); the kernel's is approximate and starts before the map is full.
/// </remarks>
internal sealed class HashStorage : ITwinStorage
{
    private readonly BpfMapSpec _spec;
    private readonly int _keySize;
    private readonly int _valueSize;
    private readonly int _maxEntries;
    private readonly uint _seed;
    private readonly uint _mask;
    private readonly Element?[] _buckets;
    private readonly ulong[] _occupied; // one bit per non-empty bucket, so walks skip empty ones quickly
    private readonly bool _lru;
    private readonly bool _inPlace;
    private readonly bool _mapOfMaps;
    private readonly int _spinLockOffset;
    private Element? _oldest; // LRU order, by last write
    private Element? _newest;
    private int _count;

    internal HashStorage(BpfMapSpec spec, int valueBufferSize, int spinLockOffset)
    {
        _spec = spec;
        _keySize = spec.KeySize;
        _valueSize = valueBufferSize;
        _lru = spec.Type is BpfMapType.LruHash or BpfMapType.LruPerCpuHash;
        _inPlace = spec.IsPerCpu || spec.Type == BpfMapType.HashOfMaps; // htab_map_update_elem_in_place
        _mapOfMaps = spec.Type == BpfMapType.HashOfMaps;
        _spinLockOffset = spinLockOffset;
        _maxEntries = EffectiveMaxEntries(spec);
        _seed = (spec.Flags & BpfMapFlags.ZeroSeed) != 0 ? 0 : (uint)Random.Shared.Next();

        // htab_map_alloc: n_buckets = roundup_pow_of_two(max_entries), refused (E2BIG) when the bucket array would overflow a u32.
        ulong buckets = BitOperations.RoundUpToPowerOf2((ulong)_maxEntries);
        if (buckets > uint.MaxValue / 16)
        {
            throw BpfErrors.Create(E2BIG, BpfCommand.MapCreate, spec.Name);
        }

        _mask = (uint)buckets - 1;
        _buckets = new Element?[buckets];
        _occupied = new ulong[(buckets + 63) / 64];
    }

    public TwinBatchSupport BatchSupport => TwinBatchSupport.All;

    public int Lookup(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        Element? element = Find(key, Bucket(key));
        if (element is null)
        {
            return ENOENT;
        }

        element.Value.CopyTo(value);
        return 0;
    }

    public int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        InMemoryBpfMap? inner = null;
        if (_mapOfMaps)
        {
            // bpf_fd_htab_map_update_elem resolves the descriptor before the element flags are looked at.
            int resolved = TwinInnerMaps.Resolve(value, _spec, out inner);
            if (resolved != 0)
            {
                return resolved;
            }
        }

        if (!TwinRules.ValidElementFlags(flags))
        {
            return EINVAL;
        }

        uint bucket = Bucket(key);
        Element? element = Find(key, bucket);
        int err = TwinRules.CheckExistence(element is not null, flags);
        if (err != 0)
        {
            return err;
        }

        if (element is not null)
        {
            if (!_inPlace && (flags & TwinRules.BPF_F_LOCK) == 0)
            {
                // A new element replaces the old one at the head of the bucket: move it there, no allocation.
                Unlink(element, bucket);
                Link(element, bucket);
            }

            TwinRules.StoreValue(value, element.Value, _spinLockOffset);
            element.Inner = inner;
            Touch(element);
            return 0;
        }

        if (_count >= _maxEntries)
        {
            if (!_lru)
            {
                return E2BIG;
            }

            Element victim = _oldest!;
            Remove(victim, Bucket(victim.Key));
        }

        var created = new Element(key.ToArray(), new byte[_valueSize]) { Inner = inner };
        TwinRules.StoreValue(value, created.Value, _spinLockOffset);
        Link(created, bucket);
        Touch(created);
        _count++;
        return 0;
    }

    public int Delete(ReadOnlySpan<byte> key)
    {
        uint bucket = Bucket(key);
        Element? element = Find(key, bucket);
        if (element is null)
        {
            return ENOENT;
        }

        Remove(element, bucket);
        return 0;
    }

    public int LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        if (_mapOfMaps)
        {
            return ENOTSUPP; // the syscall takes only queue, stack and the four hash types
        }

        uint bucket = Bucket(key);
        Element? element = Find(key, bucket);
        if (element is null)
        {
            return ENOENT;
        }

        element.Value.CopyTo(value);
        Remove(element, bucket);
        return 0;
    }

    public int GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        // htab_map_get_next_key: the next element in the key's bucket, else the first of a later bucket; a key
        // that is not in the map restarts at the first bucket.
        long start = 0;
        if (!key.IsEmpty)
        {
            uint bucket = Bucket(key);
            Element? current = Find(key, bucket);
            if (current is not null)
            {
                if (current.Next is { } following)
                {
                    following.Key.CopyTo(nextKey);
                    return 0;
                }

                start = (long)bucket + 1;
            }
        }

        long next = NextOccupied(start);
        if (next < 0)
        {
            return ENOENT;
        }

        _buckets[next]!.Key.CopyTo(nextKey);
        return 0;
    }

    public int LookupBatch(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags)
    {
        // __htab_map_lookup_and_delete_batch: the cursor is a bucket index (u32). Whole buckets are copied (and
        // deleted) while they fit; the first bucket that does not fit ends the call there, and when nothing has
        // been copied yet that is ENOSPC. Past the last bucket the walk ends with ENOENT.
        int max = count;
        count = 0;
        uint batch = inBatch.IsEmpty ? 0 : TwinBatch.ReadCursor(inBatch);
        if (batch > _mask)
        {
            return ENOENT;
        }

        int total = 0;
        int err;
        while (true)
        {
            int inBucket = 0;
            for (Element? e = _buckets[batch]; e is not null; e = e.Next)
            {
                inBucket++;
            }

            if (inBucket > max - total)
            {
                err = total == 0 ? ENOSPC : 0;
                break;
            }

            Element? element = _buckets[batch];
            while (element is not null)
            {
                Element? following = element.Next;
                element.Key.CopyTo(keys.Slice(total * _keySize));
                element.Value.CopyTo(values.Slice(total * _valueSize));
                total++;
                if (delete)
                {
                    Remove(element, batch);
                }

                element = following;
            }

            batch++;
            if (batch > _mask)
            {
                err = ENOENT;
                break;
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(outBatch, batch);
        count = total;
        return err;
    }

    /// <summary>htab_map_alloc_check/alloc: per-CPU LRU lists round max_entries to a multiple of the CPU count.</summary>
    private static int EffectiveMaxEntries(BpfMapSpec spec)
    {
        if (spec.Type is not (BpfMapType.LruHash or BpfMapType.LruPerCpuHash) || (spec.Flags & BpfMapFlags.NoCommonLru) == 0)
        {
            return spec.MaxEntries;
        }

        long cpus = BpfSystem.PossibleCpuCount;
        long rounded = (spec.MaxEntries + cpus - 1) / cpus * cpus;
        return rounded <= int.MaxValue ? (int)rounded : (int)(spec.MaxEntries / cpus * cpus);
    }

    private uint Bucket(ReadOnlySpan<byte> key) => JHash.HashMapKey(key, _seed) & _mask;

    private Element? Find(ReadOnlySpan<byte> key, uint bucket)
    {
        for (Element? e = _buckets[bucket]; e is not null; e = e.Next)
        {
            if (key.SequenceEqual(e.Key))
            {
                return e;
            }
        }

        return null;
    }

    private void Link(Element element, uint bucket)
    {
        element.Next = _buckets[bucket];
        _buckets[bucket] = element;
        _occupied[bucket >> 6] |= 1UL << (int)(bucket & 63);
    }

    private void Unlink(Element element, uint bucket)
    {
        ref Element? link = ref _buckets[bucket];
        while (link != element)
        {
            link = ref link!.Next;
        }

        link = element.Next;
        element.Next = null;
        if (_buckets[bucket] is null)
        {
            _occupied[bucket >> 6] &= ~(1UL << (int)(bucket & 63));
        }
    }

    private void Remove(Element element, uint bucket)
    {
        Unlink(element, bucket);
        if (_lru)
        {
            DetachLru(element);
        }

        element.Inner = null;
        _count--;
    }

    /// <summary>The first non-empty bucket at or after <paramref name="start"/>, or -1.</summary>
    private long NextOccupied(long start)
    {
        if (start > _mask)
        {
            return -1;
        }

        int word = (int)(start >> 6);
        ulong bits = _occupied[word] & (ulong.MaxValue << (int)(start & 63));
        while (true)
        {
            if (bits != 0)
            {
                return ((long)word << 6) + BitOperations.TrailingZeroCount(bits);
            }

            if (++word >= _occupied.Length)
            {
                return -1;
            }

            bits = _occupied[word];
        }
    }

    private void Touch(Element element)
    {
        if (!_lru || element == _newest)
        {
            return;
        }

        if (element.Newer is not null || element.Older is not null || element == _oldest)
        {
            DetachLru(element);
        }

        element.Older = _newest;
        if (_newest is not null)
        {
            _newest.Newer = element;
        }

        _newest = element;
        _oldest ??= element;
    }

    private void DetachLru(Element element)
    {
        if (element.Older is not null)
        {
            element.Older.Newer = element.Newer;
        }
        else if (_oldest == element)
        {
            _oldest = element.Newer;
        }

        if (element.Newer is not null)
        {
            element.Newer.Older = element.Older;
        }
        else if (_newest == element)
        {
            _newest = element.Older;
        }

        element.Older = null;
        element.Newer = null;
    }

    private sealed class Element(byte[] key, byte[] value)
    {
        public byte[] Key { get; } = key;

        public byte[] Value { get; } = value;

        public Element? Next;

        public Element? Older;

        public Element? Newer;

        /// <summary>For hash of maps: the inner twin, kept reachable while the outer map refers to it.</summary>
        public InMemoryBpfMap? Inner;
    }
}
