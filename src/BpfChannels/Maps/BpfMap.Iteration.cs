using System.Collections;
using System.Runtime.InteropServices;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

public abstract partial class BpfMap
{
    private int _batchSupport; // 0 unknown, 1 supported, -1 not supported by this map type or kernel

    /// <summary>
    /// The map's keys, walked with get_next_key. The walk survives concurrent deletion: a deleted cursor key
    /// neither aborts it nor restarts it.
    /// </summary>
    /// <remarks>
    /// Guarantee: every key present for the whole walk is yielded exactly once; no key is yielded twice;
    /// keys added or deleted during the walk may or may not be yielded. When the kernel restarts a hash walk
    /// because the cursor was deleted, the walk notices (it remembers the keys it has yielded), resumes
    /// after the newest yielded key that still exists, and skips keys it has already yielded. Under endless
    /// concurrent churn the walk stops after 4 x max_entries steps rather than loop forever.
    /// Each key is a new array; use <see cref="ReadSnapshot"/> to read without allocating.
    /// </remarks>
    public IEnumerable<byte[]> Keys => new KeyEnumerable(this);

    /// <summary>
    /// Reads every key and value into <paramref name="snapshot"/>, with the cheapest mechanism the map allows
    /// unless <paramref name="strategy"/> says otherwise.
    /// </summary>
    /// <param name="snapshot">The snapshot to fill; its buffers are reused.</param>
    /// <param name="strategy">How to read.</param>
    /// <returns>The number of entries read.</returns>
    /// <remarks>Batch reads grow their buffer on ENOSPC and fall back to get_next_key where the map type has no
    /// batch support. A read into a snapshot is sized from its last read; a hash's first read, from its first chunk
    /// (so a large hash holding few entries gets buffers for those, not for max_entries). A get_next_key read has the
    /// guarantee documented on <see cref="Keys"/>, and no read holds a key twice. Not atomic: the kernel side may
    /// change the map while it is read.</remarks>
    /// <exception cref="ArgumentException">The snapshot's sizes do not match, or the strategy does not fit the map.</exception>
    /// <exception cref="NotSupportedException">The map has no keys (queue, stack, ring buffer).</exception>
    /// <exception cref="ObjectDisposedException">The map or the snapshot is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public int ReadSnapshot(BpfMapSnapshot snapshot, BpfMapReadStrategy strategy = BpfMapReadStrategy.Auto)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (KeySize == 0)
        {
            throw new NotSupportedException($"Map '{Name}' ({Type}) has no keys, so it cannot be read as a snapshot; pop or read its elements instead.");
        }

        if (snapshot.KeySize != KeySize || snapshot.ValueSize != ValueBufferSize)
        {
            throw new ArgumentException($"The snapshot holds {snapshot.KeySize}-byte keys and {snapshot.ValueSize}-byte values; map '{Name}' has {KeySize} and {ValueBufferSize}.", nameof(snapshot));
        }

        ThrowIfDisposed();
        snapshot.ThrowIfDisposed();
        bool mmapable = Type == BpfMapType.Array && (Flags & BpfMapFlags.Mmapable) != 0;
        if (strategy == BpfMapReadStrategy.MemoryMapped && !mmapable)
        {
            throw new ArgumentException($"Map '{Name}' is not an Mmapable array.", nameof(strategy));
        }

        if (strategy == BpfMapReadStrategy.Auto)
        {
            strategy = mmapable ? BpfMapReadStrategy.MemoryMapped : _batchSupport >= 0 ? BpfMapReadStrategy.Batch : BpfMapReadStrategy.GetNextKey;
        }

        if (strategy == BpfMapReadStrategy.MemoryMapped)
        {
            return ReadMapped(snapshot);
        }

        if (strategy == BpfMapReadStrategy.Batch && ReadBatch(snapshot, out int read))
        {
            return read;
        }

        return ReadWalk(snapshot);
    }

    private unsafe int ReadMapped(BpfMapSnapshot snapshot)
    {
        byte* data = AcquireMappedMemory(writable: false, out _);
        try
        {
            return CopyMapped(snapshot, data);
        }
        finally
        {
            ReleaseMappedMemory();
        }
    }

    private unsafe int CopyMapped(BpfMapSnapshot snapshot, byte* data)
    {
        int count = MaxEntries;
        bool keysReady = snapshot.Capacity >= count && snapshot.Count == count && snapshot.Strategy == BpfMapReadStrategy.MemoryMapped;
        snapshot.Reset(count);
        if (!keysReady)
        {
            Span<uint> keys = MemoryMarshal.Cast<byte, uint>(snapshot.KeyRange(0, count));
            for (int i = 0; i < count; i++)
            {
                keys[i] = (uint)i;
            }
        }

        int stride = PerCpuStride(ValueSize);
        Span<byte> values = snapshot.ValueRange(0, count);
        if (stride == ValueSize)
        {
            new ReadOnlySpan<byte>(data, count * stride).CopyTo(values);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                new ReadOnlySpan<byte>(data + ((long)i * stride), ValueSize).CopyTo(values.Slice(i * ValueSize, ValueSize));
            }
        }

        snapshot.SetCount(count);
        snapshot.Strategy = BpfMapReadStrategy.MemoryMapped;
        return count;
    }

    // Room a batch read keeps beyond the entries it expects: an array batch that fills its buffer exactly at the
    // last index completes only on a further call, and a hash batch needs room for a whole bucket.
    private const int BatchSlack = 64;

    private bool ReadBatch(BpfMapSnapshot snapshot, out int read)
    {
        BpfMapBatchCursor cursor = snapshot.Cursor;
        cursor.Reset();
        int total = ProbeFirstRead(snapshot, cursor);
        if (total < 0)
        {
            snapshot.Reset(FirstReadCapacity(snapshot.Count, BatchSlack));
            cursor.Reset();
            total = 0;
        }

        while (!cursor.IsComplete)
        {
            // Each call asks for all the room there is, so a read sized from max_entries or from the last read
            // is one syscall (plus one to see the end) and writes straight into the snapshot's buffers.
            if (snapshot.Room(total) < BatchSlack)
            {
                snapshot.EnsureCapacity(total + BatchSlack);
            }

            int room = snapshot.Room(total);
            int n = room;
            int err = BatchStep(cursor, delete: false, snapshot.KeyRange(total, room), snapshot.ValueRange(total, room), ref n, 0);
            if (err == ENOSPC)
            {
                // Nothing was copied: the next bucket holds more elements than the room left.
                snapshot.EnsureCapacity(total + (2 * room));
                continue;
            }

            if (err is EINVAL or ENOTSUPP or EOPNOTSUPP && total == 0 && !cursor.Started)
            {
                _batchSupport = -1;
                read = 0;
                return false;
            }

            if (err != 0)
            {
                throw Error(err, BpfCommand.MapLookupBatch);
            }

            _batchSupport = 1;
            total += n;
        }

        if (!IsArrayLike(Type) && !IsHashFamily(Type))
        {
            // The kernel's generic batch (a trie, among others) walks with get_next_key and restarts from the first key
            // when its cursor was deleted meanwhile, so it can return a key twice: the later copy goes.
            total = snapshot.WalkIndex.BuildUnique(snapshot.KeyRange(0, snapshot.Capacity), KeySize, snapshot.ValueRange(0, snapshot.Capacity), ValueBufferSize, total);
            snapshot.MarkIndexed();
        }

        snapshot.SetCount(total);
        snapshot.Strategy = BpfMapReadStrategy.Batch;
        read = total;
        return true;
    }

    private int ReadWalk(BpfMapSnapshot snapshot)
    {
        snapshot.Reset(FirstReadCapacity(snapshot.Count, slack: 1));
        var walk = new KeyWalk(this, snapshot, withValues: true, yieldsAsItGoes: false);
        int count = walk.ReadAll();
        snapshot.SetCount(count);
        if (!IsArrayLike(Type))
        {
            snapshot.MarkIndexed();
        }

        snapshot.Strategy = BpfMapReadStrategy.GetNextKey;
        return count;
    }

    private static bool IsArrayLike(BpfMapType type) => type is BpfMapType.Array or BpfMapType.PerCpuArray or BpfMapType.ProgramArray
        or BpfMapType.PerfEventArray or BpfMapType.CgroupArray or BpfMapType.ArrayOfMaps or BpfMapType.DevMap or BpfMapType.CpuMap or BpfMapType.XskMap;

    private sealed class KeyEnumerable(BpfMap map) : IEnumerable<byte[]>
    {
        public IEnumerator<byte[]> GetEnumerator()
        {
            map.ThrowIfDisposed();
            // Keys only: the snapshot holds no values, and its key buffer goes back to the pool when the enumeration ends.
            using var snapshot = new BpfMapSnapshot(map.KeySize, valueSize: 0);
            var walk = new KeyWalk(map, snapshot, withValues: false, yieldsAsItGoes: true);
            int entry;
            while ((entry = walk.NextKey()) >= 0)
            {
                yield return snapshot.KeyBuffer.AsSpan(entry * map.KeySize, map.KeySize).ToArray();
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
