namespace BpfChannels;

/// <summary>
/// Compares two reads of a map (<see cref="BpfMap.ReadSnapshot"/>): Added, Updated (with the previous value) and
/// Removed entries, as raw key and value bytes. The one diff behind map channels and <c>bpfchan watch</c>; call it to
/// build your own change detection over any map, typed or not, per-CPU buffers included (a value counts as changed
/// when any CPU's slot changed).
/// </summary>
/// <remarks>Thread-safe for snapshots that no other thread is filling at the same time.</remarks>
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
    // Diffing compares values this many entries at a time before looking at single entries.
    private const int Chunk = 32;

    /// <summary>Reports every difference from <paramref name="previous"/> to <paramref name="current"/>.</summary>
    /// <typeparam name="TSink">The sink type; a struct, so the call allocates nothing per change.</typeparam>
    /// <param name="previous">The earlier read.</param>
    /// <param name="current">The later read of the same map.</param>
    /// <param name="sink">Receives each change: Added and Updated in the order of <paramref name="current"/>, then Removed.</param>
    /// <returns>The number of changes reported.</returns>
    /// <exception cref="ArgumentNullException">A snapshot is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The snapshots' key or value sizes differ.</exception>
    /// <remarks>
    /// When both reads hold the same keys in the same order (the common case: an array, or a hash whose keys did
    /// not change) only values are compared, whole spans first and then in chunks, which vectorises; otherwise
    /// keys are matched through the snapshots' indexes. Allocates nothing once the indexes exist.
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
        int p = previous.Count;
        if (n == p && current.Keys.SequenceEqual(previous.Keys))
        {
            return current.Values.SequenceEqual(previous.Values) ? 0 : CompareAligned(previous, current, ref sink);
        }

        int changes = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> key = current.KeyAt(i);
            int j = i < p && key.SequenceEqual(previous.KeyAt(i)) ? i : previous.IndexOf(key);
            if (j < 0)
            {
                sink.OnChange(MapChangeKind.Added, key, current.ValueAt(i), default);
                changes++;
            }
            else if (!current.ValueAt(i).SequenceEqual(previous.ValueAt(j)))
            {
                sink.OnChange(MapChangeKind.Updated, key, current.ValueAt(i), previous.ValueAt(j));
                changes++;
            }
        }

        for (int j = 0; j < p; j++)
        {
            ReadOnlySpan<byte> key = previous.KeyAt(j);
            bool present = (j < n && key.SequenceEqual(current.KeyAt(j))) || current.IndexOf(key) >= 0;
            if (!present)
            {
                sink.OnChange(MapChangeKind.Removed, key, default, previous.ValueAt(j));
                changes++;
            }
        }

        return changes;
    }

    private static int CompareAligned<TSink>(BpfMapSnapshot previous, BpfMapSnapshot current, ref TSink sink)
        where TSink : struct, ISnapshotChangeSink
    {
        int valueSize = current.ValueSize;
        ReadOnlySpan<byte> now = current.Values;
        ReadOnlySpan<byte> before = previous.Values;
        int changes = 0;
        for (int start = 0; start < current.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, current.Count - start);
            if (now.Slice(start * valueSize, count * valueSize).SequenceEqual(before.Slice(start * valueSize, count * valueSize)))
            {
                continue;
            }

            for (int i = start; i < start + count; i++)
            {
                ReadOnlySpan<byte> value = now.Slice(i * valueSize, valueSize);
                ReadOnlySpan<byte> old = before.Slice(i * valueSize, valueSize);
                if (!value.SequenceEqual(old))
                {
                    sink.OnChange(MapChangeKind.Updated, current.KeyAt(i), value, old);
                    changes++;
                }
            }
        }

        return changes;
    }
}
