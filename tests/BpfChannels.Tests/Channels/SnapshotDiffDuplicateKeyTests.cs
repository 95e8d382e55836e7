using System.Runtime.InteropServices;

namespace BpfChannels.Tests.Channels;

/// <summary>
/// <see cref="SnapshotDiff.Compare"/> on a read that holds a key twice (what a walk or batch racing updates could return
/// before reads dropped duplicates): the Removed changes of the other entries must still be reported. The snapshots are
/// filled directly, so the case is exact and needs no kernel.
/// </summary>
public sealed class SnapshotDiffDuplicateKeyTests
{
    [Fact]
    public void Compare_CurrentHoldsAKeyTwiceInARunAfterAnIndexMatch_StillReportsTheRemovedEntry()
    {
        // B is found by key first, A near it, then the run B, C matches B's entry a second time: before, that second match
        // was counted again, the matched count reached the previous read's size, and D's removal went unreported.
        BpfMapSnapshot previous = Snapshot((1, 10), (2, 20), (3, 30), (4, 40));
        BpfMapSnapshot current = Snapshot((2, 20), (1, 10), (2, 20), (3, 30));

        var sink = new ListSink();
        int changes = SnapshotDiff.Compare(previous, current, ref sink);

        Assert.Equal(1, changes);
        Assert.Equal([(MapChangeKind.Removed, 4u, 40UL)], sink.Changes);
    }

    [Fact]
    public void Compare_RunsOverlappingEarlierMatches_ReportsEveryRemovedEntryOnce()
    {
        // Three of six previous entries matched, again and again: counted per match, the runs reach six.
        BpfMapSnapshot previous = Snapshot((1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6));
        BpfMapSnapshot current = Snapshot((3, 3), (1, 1), (2, 2), (3, 3), (1, 1), (2, 2), (3, 3));

        var sink = new ListSink();
        int changes = SnapshotDiff.Compare(previous, current, ref sink);

        Assert.Equal(3, changes);
        Assert.Equal([(MapChangeKind.Removed, 4u, 4UL), (MapChangeKind.Removed, 5u, 5UL), (MapChangeKind.Removed, 6u, 6UL)], sink.Changes);
    }

    private static BpfMapSnapshot Snapshot(params (uint Key, ulong Value)[] entries)
    {
        var snapshot = new BpfMapSnapshot(sizeof(uint), sizeof(ulong));
        snapshot.Reset(entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            MemoryMarshal.Write(snapshot.KeySlot(i), entries[i].Key);
            MemoryMarshal.Write(snapshot.ValueSlot(i), entries[i].Value);
        }

        snapshot.SetCount(entries.Length);
        return snapshot;
    }

    private struct ListSink() : ISnapshotChangeSink
    {
        public List<(MapChangeKind Kind, uint Key, ulong Value)> Changes { get; } = [];

        public readonly void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
            => Changes.Add((kind, MemoryMarshal.Read<uint>(key), MemoryMarshal.Read<ulong>(kind == MapChangeKind.Removed ? previous : value)));
    }
}
