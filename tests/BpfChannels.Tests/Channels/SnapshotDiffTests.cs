using System.Runtime.InteropServices;
using BpfChannels.Tests.Objects;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>
/// <see cref="SnapshotDiff.Compare"/> on reads of a kernel hash, against a naive keyed diff of the same reads
/// (a dictionary of the previous read): keys rewritten from user space (which move them inside their bucket, so
/// the reads' orders differ), values changed in place by a program (orders equal), everything removed, everything
/// added, and random churn. Every change must match the naive diff, kind, key, value, previous value and order.
/// </summary>
public sealed class SnapshotDiffTests
{
    private const int Entries = 5000;

    public SnapshotDiffTests() => BpfTestEnvironment.RequireBpf();

    [Fact]
    public void Compare_HashKeysRewrittenFromUserSpace_MatchesNaiveKeyedDiff()
    {
        using BpfMap<uint, ulong> map = FilledHash(Entries);
        BpfMapSnapshot before = Read(map);

        // Every 10th key gets a new value and every 7th the same value again: both move in their bucket, only the first changes.
        for (uint key = 0; key < Entries; key += 10)
        {
            map.Update(key, key + 1_000_000);
        }

        for (uint key = 3; key < Entries; key += 7)
        {
            map.Update(key, map[key]);
        }

        BpfMapSnapshot after = Read(map);
        Assert.False(before.Keys.SequenceEqual(after.Keys), "Rewriting keys should have changed the hash's iteration order.");

        List<Change> changes = AssertMatchesNaive(before, after);
        Assert.Equal(Entries / 10, changes.Count);
        Assert.All(changes, c => Assert.Equal((MapChangeKind.Updated, c.Key + 1_000_000UL, (ulong)c.Key), (c.Kind, c.Value, c.Previous)));
    }

    [Fact]
    public void Compare_ValuesChangedInPlaceByProgram_ReportsEachWithItsPreviousValue()
    {
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("snapshot_touch"));
        BpfMap<uint, ulong> map = obj.GetMap<uint, ulong>("touched");
        Fill(map, Entries);
        BpfMapSnapshot before = Read(map);

        var args = new TouchArgs { First = 1, Count = Entries / 20, Stride = 20, Modulo = Entries, Add = 1UL << 40 };
        Assert.Equal(0u, obj.GetProgram("touch").TestRun(ref args));

        BpfMapSnapshot after = Read(map);
        Assert.True(before.Keys.SequenceEqual(after.Keys), "A value changed in place should leave the iteration order as it was.");
        List<Change> changes = AssertMatchesNaive(before, after);
        Assert.Equal(Entries / 20, changes.Count);
        Assert.All(changes, c => Assert.Equal((MapChangeKind.Updated, 1u, (ulong)c.Key + (1UL << 40), (ulong)c.Key), (c.Kind, c.Key % 20, c.Value, c.Previous)));
    }

    [Fact]
    public void Compare_AllRemoved_ReportsEveryPreviousEntryRemoved()
    {
        using BpfMap<uint, ulong> map = FilledHash(Entries);
        BpfMapSnapshot before = Read(map);
        foreach (uint key in Enumerable.Range(0, Entries).Select(k => (uint)k))
        {
            map.Delete(key);
        }

        List<Change> changes = AssertMatchesNaive(before, Read(map));
        Assert.Equal(Entries, changes.Count);
        Assert.All(changes, c => Assert.Equal((MapChangeKind.Removed, (ulong)c.Key), (c.Kind, c.Previous)));
    }

    [Fact]
    public void Compare_AllAdded_ReportsEveryEntryAddedInReadOrder()
    {
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries);
        BpfMapSnapshot before = Read(map);
        Fill(map, Entries);
        BpfMapSnapshot after = Read(map);

        List<Change> changes = AssertMatchesNaive(before, after);
        Assert.Equal(Entries, changes.Count);
        for (int i = 0; i < after.Count; i++)
        {
            Assert.Equal((MapChangeKind.Added, MemoryMarshal.Read<uint>(after.KeyAt(i))), (changes[i].Kind, changes[i].Key));
        }
    }

    [Fact]
    public void Compare_EveryKeyReplaced_ReportsAddedThenRemoved()
    {
        using BpfMap<uint, ulong> map = FilledHash(Entries / 2);
        BpfMapSnapshot before = Read(map);
        for (uint key = 0; key < Entries / 2; key++)
        {
            map.Delete(key);
            map.Update(key + Entries, key);
        }

        List<Change> changes = AssertMatchesNaive(before, Read(map));
        Assert.Equal(Entries, changes.Count);
        Assert.All(changes.Take(Entries / 2), c => Assert.Equal(MapChangeKind.Added, c.Kind));
        Assert.All(changes.Skip(Entries / 2), c => Assert.Equal(MapChangeKind.Removed, c.Kind));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compare_RandomChurn_MatchesNaiveKeyedDiff(int seed)
    {
        var random = new Random(seed);
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries);
        for (uint key = 0; key < Entries; key += 2)
        {
            map.Update(key, key);
        }

        BpfMapSnapshot before = Read(map);
        for (int round = 0; round < 5; round++)
        {
            for (int op = 0; op < 400; op++)
            {
                uint key = (uint)random.Next(Entries);
                switch (random.Next(3))
                {
                    case 0:
                        _ = map.TryDelete(key);
                        break;
                    case 1:
                        map.Update(key, (ulong)random.Next());
                        break;
                    default:
                        if (map.TryLookup(key, out ulong value))
                        {
                            map.Update(key, value); // moved, unchanged
                        }

                        break;
                }
            }

            BpfMapSnapshot after = Read(map);
            _ = AssertMatchesNaive(before, after);
            before = after;
        }
    }

    [Fact]
    public void Compare_KeysMovedAfterWarmUp_AllocatesNothing()
    {
        using BpfMap<uint, ulong> map = FilledHash(Entries);
        BpfMapSnapshot before = Read(map);
        BpfMapSnapshot after = map.CreateSnapshot();
        var sink = new CountingSink();
        for (int round = 0; round < 4; round++)
        {
            for (uint key = (uint)round; key < Entries; key += 50)
            {
                map.Update(key, key + (ulong)round + 1);
            }

            map.ReadSnapshot(after);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            int changes = SnapshotDiff.Compare(before, after, ref sink);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.Equal(Entries / 50, changes);
            if (round >= 2)
            {
                Assert.Equal(0, allocated);
            }

            (before, after) = (after, before);
        }
    }

    private static List<Change> AssertMatchesNaive(BpfMapSnapshot before, BpfMapSnapshot after)
    {
        var sink = new RecordingSink(new List<Change>());
        int reported = SnapshotDiff.Compare(before, after, ref sink);
        List<Change> expected = NaiveDiff(before, after);
        Assert.Equal(expected.Count, reported);
        Assert.Equal(expected, sink.Changes);
        return sink.Changes;
    }

    private static List<Change> NaiveDiff(BpfMapSnapshot before, BpfMapSnapshot after)
    {
        Dictionary<uint, ulong> previous = EntriesOf(before).ToDictionary(e => e.Key, e => e.Value);
        Dictionary<uint, ulong> current = EntriesOf(after).ToDictionary(e => e.Key, e => e.Value);
        var changes = new List<Change>();
        foreach ((uint key, ulong value) in EntriesOf(after))
        {
            if (!previous.TryGetValue(key, out ulong old))
            {
                changes.Add(new Change(MapChangeKind.Added, key, value, 0));
            }
            else if (old != value)
            {
                changes.Add(new Change(MapChangeKind.Updated, key, value, old));
            }
        }

        changes.AddRange(EntriesOf(before).Where(e => !current.ContainsKey(e.Key)).Select(e => new Change(MapChangeKind.Removed, e.Key, 0, e.Value)));
        return changes;
    }

    private static IEnumerable<(uint Key, ulong Value)> EntriesOf(BpfMapSnapshot snapshot)
    {
        for (int i = 0; i < snapshot.Count; i++)
        {
            yield return (MemoryMarshal.Read<uint>(snapshot.KeyAt(i)), MemoryMarshal.Read<ulong>(snapshot.ValueAt(i)));
        }
    }

    private static BpfMap<uint, ulong> FilledHash(int count)
    {
        BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries);
        Fill(map, count);
        return map;
    }

    private static void Fill(BpfMap<uint, ulong> map, int count)
    {
        for (uint key = 0; key < count; key++)
        {
            map.Update(key, key);
        }
    }

    private static BpfMapSnapshot Read(BpfMap<uint, ulong> map)
    {
        BpfMapSnapshot snapshot = map.CreateSnapshot();
        map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch);
        return snapshot;
    }

    private readonly record struct Change(MapChangeKind Kind, uint Key, ulong Value, ulong Previous);

    [StructLayout(LayoutKind.Sequential)]
    private struct TouchArgs
    {
        public uint First;
        public uint Count;
        public uint Stride;
        public uint Modulo;
        public ulong Add;
        public uint Missing;
        public uint Pad;
    }

    private readonly struct RecordingSink(List<Change> changes) : ISnapshotChangeSink
    {
        public List<Change> Changes => changes;

        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
            => changes.Add(new Change(kind, MemoryMarshal.Read<uint>(key), value.IsEmpty ? 0 : MemoryMarshal.Read<ulong>(value), previous.IsEmpty ? 0 : MemoryMarshal.Read<ulong>(previous)));
    }

    private struct CountingSink : ISnapshotChangeSink
    {
        public int Count;

        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous) => Count++;
    }
}
