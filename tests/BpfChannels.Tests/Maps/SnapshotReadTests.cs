using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

/// <summary>
/// A first batch read into a new snapshot against the kernel: it is sized from the map before it starts, so it
/// allocates about the data's size (no buffer doubling), and it still reads every entry where that first guess is
/// short (a hash created with NoPrealloc holds more than the guess) or exact (an array filled to its last index).
/// </summary>
public sealed class SnapshotReadTests
{
    public SnapshotReadTests() => BpfTestEnvironment.RequireBpf();

    [Fact]
    public void ReadSnapshot_NoPreallocHashLargerThanFirstGuess_ReadsEveryEntry()
    {
        const int Entries = 30_000;
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries, BpfMapFlags.NoPrealloc);
        for (uint key = 0; key < Entries; key++)
        {
            map.Update(key, key);
        }

        BpfMapSnapshot snapshot = map.CreateSnapshot();
        Assert.Equal(Entries, map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch));
        var keys = new HashSet<uint>();
        for (int i = 0; i < snapshot.Count; i++)
        {
            Assert.True(keys.Add(MemoryMarshal.Read<uint>(snapshot.KeyAt(i))));
        }

        Assert.Equal(Entries, keys.Count);
        Assert.Equal(Entries, map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch));
    }

    [Fact]
    public void ReadSnapshot_FreshSnapshotOfArray_ReadsEverySlotInOrder()
    {
        const int Entries = 4096;
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateArray<ulong>(Entries);
        for (uint key = 0; key < Entries; key++)
        {
            map.Update(key, key + 1);
        }

        BpfMapSnapshot snapshot = map.CreateSnapshot();
        Assert.Equal(Entries, map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch));
        for (int i = 0; i < Entries; i++)
        {
            Assert.Equal(((uint)i, (ulong)i + 1), (MemoryMarshal.Read<uint>(snapshot.KeyAt(i)), MemoryMarshal.Read<ulong>(snapshot.ValueAt(i))));
        }
    }

    [Fact]
    public void GetEnumerator_FullHash_YieldsEveryEntryOnce()
    {
        const int Entries = 10_000;
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries);
        for (uint key = 0; key < Entries; key++)
        {
            map.Update(key, key ^ 0xFFFF);
        }

        var seen = new Dictionary<uint, ulong>();
        foreach (KeyValuePair<uint, ulong> entry in map)
        {
            seen.Add(entry.Key, entry.Value);
        }

        Assert.Equal(Entries, seen.Count);
        Assert.All(seen, e => Assert.Equal(e.Key ^ 0xFFFFUL, e.Value));
    }

    [Fact]
    public void ReadSnapshot_GetNextKeyWhileAnotherThreadDeletes_YieldsKeptKeysOnceAndNoKeyTwice()
    {
        const int Entries = 20_000;
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries);
        for (uint key = 0; key < Entries; key++)
        {
            map.Update(key, key * 7UL);
        }

        // Odd keys go while the walk runs, so cursor keys are deleted under it and the kernel restarts it.
        using var started = new ManualResetEventSlim();
        var deleter = new Thread(() =>
        {
            started.Wait();
            for (uint key = 1; key < Entries; key += 2)
            {
                _ = map.TryDelete(key);
            }
        });
        deleter.Start();
        BpfMapSnapshot snapshot = map.CreateSnapshot();
        started.Set();
        int read = map.ReadSnapshot(snapshot, BpfMapReadStrategy.GetNextKey);
        deleter.Join();

        var seen = new HashSet<uint>();
        for (int i = 0; i < read; i++)
        {
            uint key = MemoryMarshal.Read<uint>(snapshot.KeyAt(i));
            Assert.True(seen.Add(key), $"key {key} was read twice");
            Assert.Equal(key * 7UL, MemoryMarshal.Read<ulong>(snapshot.ValueAt(i)));
        }

        for (uint key = 0; key < Entries; key += 2)
        {
            Assert.Contains(key, seen);
        }
    }
}
