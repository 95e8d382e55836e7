namespace BpfChannels;

/// <summary>
/// Compares two reads of a map (<see cref="BpfMap.ReadSnapshot"/>): Added, Updated (with the previous value) and
/// Removed entries, as raw key and value bytes. The one diff behind map channels and <c>bpfchan watch</c>; call it to
/// build your own change detection over any map, typed or not, per-CPU buffers included (a value counts as changed
/// when any CPU's slot changed).
/// </summary>
/// <remarks>
/// Thread-safe for snapshots that no other thread is filling or comparing at the same time (a snapshot's key
/// index is built on its first keyed comparison after a read).
/// </remarks>
/// <example>
/// <code>
/// var before = new BpfMapSnapshot(map.KeySize, map.ValueBufferSize);
/// var after = new BpfMapSnapshot(map.KeySize, map.ValueBufferSize);
/// map.ReadSnapshot(before);
/// // ... later
/// map.ReadSnapshot(after);
/// var sink = new MySink(); // a struct implementing ISnapshotChangeSink
/// int changes = SnapshotDiff.Compare(before, after, ref sink);
/// </code>
/// </example>
public static class SnapshotDiff
{
    // How far from its expected position a key is looked for before the full index: a hash key rewritten from user
    // space moves to the head of its bucket, a few entries earlier in the batch order than it was.
    private const int Window = 8;

    // The previous read's entries matched so far in a keyed comparison, one bit each; per thread, so concurrent
    // comparisons of different snapshots share nothing.
    [ThreadStatic]
    private static ulong[]? t_matched;

    /// <summary>Reports every difference from <paramref name="previous"/> to <paramref name="current"/>.</summary>
    /// <typeparam name="TSink">The sink type; a struct, so the call allocates nothing per change.</typeparam>
    /// <param name="previous">The earlier read.</param>
    /// <param name="current">The later read of the same map.</param>
    /// <param name="sink">Receives each change: Added and Updated in the order of <paramref name="current"/>, then Removed in the order of <paramref name="previous"/>.</param>
    /// <returns>The number of changes reported.</returns>
    /// <exception cref="ArgumentNullException">A snapshot is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The snapshots' key or value sizes differ.</exception>
    /// <remarks>
    /// When both reads hold the same keys in the same order (an array, or a hash whose keys did not move) only
    /// values are compared, as whole spans, which vectorises. Otherwise the reads are walked side by side: runs of
    /// keys in the same order are compared as spans too, a key out of place is looked for a few entries around
    /// where the walk is (where a rewritten hash key moves to) and only then in an index of the previous read's
    /// keys, and the walk goes on from where the key was found. Allocates nothing once the index and the per-thread
    /// match bits have grown to the map's size.
    /// </remarks>
    public static int Compare<TSink>(BpfMapSnapshot previous, BpfMapSnapshot current, ref TSink sink)
        where TSink : struct, ISnapshotChangeSink
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        if (previous.KeySize != current.KeySize || previous.ValueSize != current.ValueSize)
        {
            throw new ArgumentException($"The snapshots differ in shape: {previous.KeySize}/{previous.ValueSize}-byte keys/values before, {current.KeySize}/{current.ValueSize} after.", nameof(current));
        }

        int n = current.Count;
        if (n == previous.Count && current.Keys.SequenceEqual(previous.Keys))
        {
            return CompareValues(previous, current, 0, 0, n, ref sink);
        }

        return CompareKeyed(previous, current, ref sink);
    }

    /// <summary>Reports the entries of a run of equal keys (<paramref name="count"/> from <paramref name="at"/> in current, <paramref name="atPrevious"/> in previous) whose values differ.</summary>
    private static int CompareValues<TSink>(BpfMapSnapshot previous, BpfMapSnapshot current, int at, int atPrevious, int count, ref TSink sink)
        where TSink : struct, ISnapshotChangeSink
    {
        int valueSize = current.ValueSize;
        if (valueSize == 0)
        {
            return 0;
        }

        ReadOnlySpan<byte> now = current.Values.Slice(at * valueSize, count * valueSize);
        ReadOnlySpan<byte> before = previous.Values.Slice(atPrevious * valueSize, count * valueSize);
        ReadOnlySpan<byte> keys = current.Keys;
        int keySize = current.KeySize;
        int changes = 0;
        int i = 0;
        while (i < count)
        {
            // The first differing byte from entry i on (vectorised); its entry is the next change.
            int same = now[(i * valueSize)..].CommonPrefixLength(before[(i * valueSize)..]);
            i += same / valueSize;
            if (i >= count)
            {
                break;
            }

            sink.OnChange(MapChangeKind.Updated, keys.Slice((at + i) * keySize, keySize), now.Slice(i * valueSize, valueSize), before.Slice(i * valueSize, valueSize));
            changes++;
            i++;
        }

        return changes;
    }

    private static int CompareKeyed<TSink>(BpfMapSnapshot previous, BpfMapSnapshot current, ref TSink sink)
        where TSink : struct, ISnapshotChangeSink
    {
        int keySize = current.KeySize;
        int valueSize = current.ValueSize;
        int n = current.Count;
        int p = previous.Count;
        ReadOnlySpan<byte> keys = current.Keys;
        ReadOnlySpan<byte> values = current.Values;
        ReadOnlySpan<byte> oldKeys = previous.Keys;
        ReadOnlySpan<byte> oldValues = previous.Values;
        ulong[] bits = TakeMatchBits(p);
        Span<ulong> matched = bits.AsSpan(0, (p + 63) >> 6);
        int matchedCount = 0;
        int changes = 0;
        int i = 0;
        int j = 0;
        while (i < n)
        {
            if (j < p)
            {
                int run = keys[(i * keySize)..].CommonPrefixLength(oldKeys[(j * keySize)..]) / keySize;
                run = Math.Min(run, Math.Min(n - i, p - j));
                if (run > 0)
                {
                    changes += CompareValues(previous, current, i, j, run, ref sink);
                    matchedCount += SetRange(matched, j, run);
                    i += run;
                    j += run;
                    continue;
                }
            }

            ReadOnlySpan<byte> key = keys.Slice(i * keySize, keySize);
            ReadOnlySpan<byte> value = values.Slice(i * valueSize, valueSize);
            int k = FindNear(oldKeys, key, j, p);
            if (k < 0)
            {
                k = previous.IndexOfKey(key);
            }

            if (k < 0)
            {
                sink.OnChange(MapChangeKind.Added, key, value, default);
                changes++;
            }
            else
            {
                ref ulong word = ref matched[k >> 6];
                ulong bit = 1UL << (k & 63);
                if ((word & bit) == 0)
                {
                    word |= bit;
                    matchedCount++;
                }

                ReadOnlySpan<byte> old = oldValues.Slice(k * valueSize, valueSize);
                if (!value.SequenceEqual(old))
                {
                    sink.OnChange(MapChangeKind.Updated, key, value, old);
                    changes++;
                }

                // Resynchronise: the entries after the one found are the likeliest to follow in order again.
                j = k + 1;
            }

            i++;
        }

        if (matchedCount < p)
        {
            changes += ReportRemoved(previous, matched, ref sink);
        }

        t_matched = bits;
        return changes;
    }

    /// <summary>Looks for <paramref name="key"/> within <see cref="Window"/> entries of <paramref name="near"/> in the previous keys.</summary>
    private static int FindNear(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> key, int near, int count)
    {
        int size = key.Length;
        for (int d = 0; d <= Window; d++)
        {
            int after = near + d;
            if (after < count && keys.Slice(after * size, size).SequenceEqual(key))
            {
                return after;
            }

            int before = near - d - 1;
            if (before >= 0 && before < count && keys.Slice(before * size, size).SequenceEqual(key))
            {
                return before;
            }
        }

        return -1;
    }

    private static int ReportRemoved<TSink>(BpfMapSnapshot previous, ReadOnlySpan<ulong> matched, ref TSink sink)
        where TSink : struct, ISnapshotChangeSink
    {
        int keySize = previous.KeySize;
        int valueSize = previous.ValueSize;
        int p = previous.Count;
        int changes = 0;
        for (int w = 0; w < matched.Length; w++)
        {
            ulong missing = ~matched[w];
            while (missing != 0)
            {
                int j = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(missing);
                if (j >= p)
                {
                    break;
                }

                sink.OnChange(MapChangeKind.Removed, previous.Keys.Slice(j * keySize, keySize), default, previous.Values.Slice(j * valueSize, valueSize));
                changes++;
                missing &= missing - 1;
            }
        }

        return changes;
    }

    /// <summary>The calling thread's match bits, cleared for <paramref name="count"/> entries; taken, so a sink that compares again gets its own.</summary>
    private static ulong[] TakeMatchBits(int count)
    {
        int words = (count + 63) >> 6;
        ulong[]? bits = t_matched;
        t_matched = null;
        if (bits is null || bits.Length < words)
        {
            return new ulong[Math.Max(words, 16)];
        }

        bits.AsSpan(0, words).Clear();
        return bits;
    }

    /// <summary>Sets the bits of a run of matched entries; returns how many were not set yet.</summary>
    /// <remarks>
    /// A run can cover entries matched before: a read holding a key twice (a walk or batch that raced updates) meets the
    /// earlier entry again, and counting it twice would let the diff believe every previous entry matched and skip
    /// the Removed ones.
    /// </remarks>
    private static int SetRange(Span<ulong> bits, int start, int count)
    {
        int end = start + count;
        int added = 0;
        while (start < end)
        {
            int offset = start & 63;
            int take = Math.Min(64 - offset, end - start);
            ulong mask = take == 64 ? ulong.MaxValue : ((1UL << take) - 1) << offset;
            ref ulong word = ref bits[start >> 6];
            added += System.Numerics.BitOperations.PopCount(mask & ~word);
            word |= mask;
            start += take;
        }

        return added;
    }
}
