namespace BpfChannels;

/// <summary>
/// Single-entry edits of a snapshot that keep its key index valid: what a notified channel does to its state for each
/// key it is told about, where a polled channel re-reads everything. Each costs O(1) (no index rebuild).
/// </summary>
/// <remarks>Not thread-safe: the caller holds whatever guards the snapshot.</remarks>
internal static class NotifiedSnapshotEdits
{
    /// <summary>Appends <paramref name="key"/>, which <see cref="BpfMapSnapshot.IndexOf"/> just said is absent; returns its entry.</summary>
    public static int Append(BpfMapSnapshot snapshot, ReadOnlySpan<byte> key)
    {
        int entry = snapshot.Count;
        snapshot.EnsureCapacity(entry + 1);
        key.CopyTo(snapshot.KeySlot(entry));
        snapshot.WalkIndex.Add(key, entry);
        snapshot.SetCount(entry + 1);
        return entry;
    }

    /// <summary>Adds <paramref name="key"/> unless present; returns its entry.</summary>
    public static int Include(BpfMapSnapshot snapshot, ReadOnlySpan<byte> key)
    {
        int entry = snapshot.IndexOf(key);
        return entry >= 0 ? entry : Append(snapshot, key);
    }

    /// <summary>Removes entry <paramref name="entry"/> (found by <see cref="BpfMapSnapshot.IndexOf"/>); the last entry takes its place.</summary>
    public static void RemoveAt(BpfMapSnapshot snapshot, int entry)
    {
        int last = snapshot.Count - 1;
        snapshot.WalkIndex.Remove(snapshot.KeySlot(entry), entry);
        if (entry != last)
        {
            snapshot.WalkIndex.Renumber(snapshot.KeySlot(last), last, entry);
            snapshot.KeySlot(last).CopyTo(snapshot.KeySlot(entry));
            snapshot.ValueSlot(last).CopyTo(snapshot.ValueSlot(entry));
        }

        snapshot.SetCount(last);
    }
}
