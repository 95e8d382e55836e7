namespace BpfChannels;

// How big a whole-map read's buffers are before it starts: from the last read, or, for a snapshot's first read, from
// the map. A hash's first read looks at its first chunk before it sizes anything, so a 1,000,000-entry hash holding
// 10 entries gets buffers for about 10, and a full one buffers for max_entries, once.
public abstract partial class BpfMap
{
    private static bool IsHashFamily(BpfMapType type) => type is BpfMapType.Hash or BpfMapType.LruHash or BpfMapType.PerCpuHash
        or BpfMapType.LruPerCpuHash or BpfMapType.HashOfMaps;

    /// <summary>
    /// The first call of a snapshot's first batch read of a hash, into the snapshot pool's scratch buffer (its keys, then
    /// its values; at most <see cref="SnapshotBufferPool.ScratchBytes"/> of both): a map that fits is
    /// copied into a snapshot of its size; otherwise the snapshot is sized from how far through the buckets the call got
    /// (the hash's batch cursor is a bucket index, and keys spread evenly over the buckets), with a quarter more for the
    /// estimate's error, never more than max_entries. Either way the snapshot holds the call's entries afterwards.
    /// </summary>
    /// <returns>The entries read, or -1 where this does not apply (not a first read, not a hash, a small map, or the call failed: the caller reads as before).</returns>
    private int ProbeFirstRead(BpfMapSnapshot snapshot, BpfMapBatchCursor cursor)
    {
        int perEntry = KeySize + ValueBufferSize;
        int entries = Math.Min(SnapshotBufferPool.ScratchBytes / Math.Max(perEntry, 1), 4096);
        if (snapshot.Count != 0 || !IsHashFamily(Type) || entries < 64 || MaxEntries <= entries + BatchSlack)
        {
            return -1;
        }

        byte[] scratch = SnapshotBufferPool.RentScratch();
        try
        {
            return ProbeInto(snapshot, cursor, scratch.AsSpan(0, entries * KeySize), scratch.AsSpan(entries * KeySize, entries * ValueBufferSize), entries);
        }
        finally
        {
            SnapshotBufferPool.ReturnScratch(scratch);
        }
    }

    // The probe's batch call into the scratch spans, and the snapshot sized and filled from what it read.
    private int ProbeInto(BpfMapSnapshot snapshot, BpfMapBatchCursor cursor, Span<byte> keys, Span<byte> values, int entries)
    {
        int perEntry = KeySize + ValueBufferSize;
        int n = entries;
        if (BatchStep(cursor, delete: false, keys, values, ref n, 0) != 0)
        {
            return -1;
        }

        long capacity = n + BatchSlack;
        if (!cursor.IsComplete)
        {
            uint bucket = BitConverter.ToUInt32(cursor.Token(KeySize)); // the bucket the next call starts at
            long buckets = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)MaxEntries);
            long estimate = bucket == 0 ? MaxEntries : Math.Clamp(n * buckets / bucket, n, MaxEntries);
            capacity = Math.Min(estimate + (estimate >> 2), MaxEntries) + BatchSlack;
        }

        snapshot.Reset((int)Math.Min(capacity, Array.MaxLength / Math.Max(perEntry, 1)));
        keys[..(n * KeySize)].CopyTo(snapshot.KeyRange(0, n));
        values[..(n * ValueBufferSize)].CopyTo(snapshot.ValueRange(0, n));
        _batchSupport = 1;
        return n;
    }

    /// <summary>
    /// The entries a whole-map read makes room for before it starts: an eighth more than the last read found, or,
    /// for a first read, max_entries where the kernel preallocates the map (so the map's own memory bounds it) and
    /// a modest guess where it does not (a trie, a hash created with NoPrealloc), plus <paramref name="slack"/>.
    /// </summary>
    private int FirstReadCapacity(int lastCount, int slack)
    {
        long expected = lastCount > 0
            ? lastCount + (lastCount >> 3)
            : (Flags & BpfMapFlags.NoPrealloc) != 0 || Type == BpfMapType.LpmTrie ? Math.Min(MaxEntries, 4096) : MaxEntries;
        long wanted = Math.Min(expected, MaxEntries) + slack;
        long perEntry = Math.Max(KeySize, Math.Max(ValueBufferSize, 1));
        return (int)Math.Min(wanted, Array.MaxLength / perEntry);
    }
}
