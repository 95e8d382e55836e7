using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

/// <summary>Tests that read or change the process-wide pool of snapshot buffers run with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SnapshotPoolCollection
{
    public const string Name = "snapshot-pool";
}

/// <summary>
/// New snapshots against the kernel: a first read into new memory allocates about the data's size, a disposed
/// snapshot's buffers serve the next new snapshot (so a read into a new snapshot, disposed after, allocates
/// nothing), and a disposed snapshot cannot be read any more.
/// </summary>
[Collection(SnapshotPoolCollection.Name)]
public sealed class SnapshotPoolTests
{
    private const int Entries = 20_000;

    public SnapshotPoolTests() => BpfTestEnvironment.RequireBpf();

    [Theory]
    [InlineData(BpfMapReadStrategy.Batch)]
    [InlineData(BpfMapReadStrategy.GetNextKey)]
    public void ReadSnapshot_FirstReadIntoNewMemory_AllocatesAtMostTenPercentOverTheData(BpfMapReadStrategy strategy)
    {
        using BpfMap<uint, ulong> map = FilledHash();
        map.ReadSnapshot(map.CreateSnapshot(), strategy); // JIT and the batch-support probe, outside the measurement
        long limit = BpfMapSnapshot.MaxPooledBytes;
        BpfMapSnapshot.MaxPooledBytes = 0; // nothing kept: this read gets new memory
        try
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            using BpfMapSnapshot snapshot = map.CreateSnapshot();
            int read = map.ReadSnapshot(snapshot, strategy);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

            Assert.Equal(Entries, read);
            AssertEntries(snapshot);

            // The walk also keeps an index of the keys it has yielded (16 bytes a key), to notice a restarted walk.
            long data = Entries * (sizeof(uint) + sizeof(ulong));
            long index = strategy == BpfMapReadStrategy.GetNextKey ? 2L * 32_768 * sizeof(ulong) : 0;
            Assert.InRange(allocated, data, (data * 11 / 10) + index);
        }
        finally
        {
            BpfMapSnapshot.MaxPooledBytes = limit;
        }
    }

    [Theory]
    [InlineData(1_000_000, 10, 64 * 1024)] // 10 entries: before, buffers for all 1,000,000 (12 MB)
    [InlineData(400_000, 100_000, 1_620_000)] // a quarter full: at most 1.35x the data's 1.2 MB (before, 4x)
    public void ReadSnapshot_FirstReadOfHashFarFromFull_AllocatesForItsEntriesNotForMaxEntries(int maxEntries, int entries, long atMost)
    {
        using BpfMap<uint, ulong> map = FilledHash(maxEntries, entries);
        using (BpfMapSnapshot warm = map.CreateSnapshot())
        {
            map.ReadSnapshot(warm, BpfMapReadStrategy.Batch); // JIT and the first-chunk scratch buffer, outside the measurement
        }

        long limit = BpfMapSnapshot.MaxPooledBytes;
        BpfMapSnapshot.MaxPooledBytes = 0; // nothing kept: this read gets new memory
        try
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            using BpfMapSnapshot snapshot = map.CreateSnapshot();
            int read = map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

            Assert.Equal(entries, read);
            AssertEntries(snapshot);
            Assert.Equal(entries, Enumerable.Range(0, read).Select(i => MemoryMarshal.Read<uint>(snapshot.KeyAt(i))).Distinct().Count());
            Assert.InRange(allocated, (long)entries * (sizeof(uint) + sizeof(ulong)), atMost);
        }
        finally
        {
            BpfMapSnapshot.MaxPooledBytes = limit;
        }
    }

    [Fact]
    public void ReadSnapshot_FirstReadOfHashOnAnotherThread_TakesTheSameFirstChunkScratch()
    {
        using BpfMap<uint, ulong> map = FilledHash(1_000_000, 10);
        using (BpfMapSnapshot warm = map.CreateSnapshot())
        {
            map.ReadSnapshot(warm, BpfMapReadStrategy.Batch); // JIT and the first-chunk scratch buffer
        }

        long limit = BpfMapSnapshot.MaxPooledBytes;
        BpfMapSnapshot.MaxPooledBytes = 0; // nothing kept: only the scratch buffer can save this read an allocation
        try
        {
            long allocated = -1;
            int read = -1;
            var other = new Thread(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                using BpfMapSnapshot snapshot = map.CreateSnapshot();
                read = map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                AssertEntries(snapshot);
            });
            other.Start();
            Assert.True(other.Join(TimeSpan.FromSeconds(60)));

            // The snapshot's buffers for 10 entries and its objects, not a 48 KiB first chunk of the thread's own.
            Assert.Equal(10, read);
            Assert.InRange(allocated, 10 * (sizeof(uint) + sizeof(ulong)), 16 * 1024);
        }
        finally
        {
            BpfMapSnapshot.MaxPooledBytes = limit;
        }
    }

    [Fact]
    public void ReadSnapshot_FirstReadsOnSeveralThreadsAtOnce_EachReadsEveryEntryOnce()
    {
        using BpfMap<uint, ulong> map = FilledHash(100_000, Entries);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(4);
        Thread[] readers = [.. Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int round = 0; round < 20; round++)
                {
                    // A new snapshot each time: every read is a first read, through the scratch buffer or a new one.
                    using BpfMapSnapshot snapshot = map.CreateSnapshot();
                    Assert.Equal(Entries, map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch));
                    AssertEntries(snapshot);
                    Assert.Equal(Entries, Enumerable.Range(0, snapshot.Count).Select(i => MemoryMarshal.Read<uint>(snapshot.KeyAt(i))).Distinct().Count());
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        }))];
        foreach (Thread reader in readers)
        {
            reader.Start();
        }

        foreach (Thread reader in readers)
        {
            Assert.True(reader.Join(TimeSpan.FromSeconds(60)));
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(BpfMapReadStrategy.Batch)]
    [InlineData(BpfMapReadStrategy.GetNextKey)]
    public void ReadSnapshot_NewSnapshotAfterOneWasDisposed_ReusesItsBuffersAndAllocatesNoData(BpfMapReadStrategy strategy)
    {
        using BpfMap<uint, ulong> map = FilledHash();
        for (int warm = 0; warm < 2; warm++)
        {
            using BpfMapSnapshot first = map.CreateSnapshot();
            Assert.Equal(Entries, map.ReadSnapshot(first, strategy));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        using BpfMapSnapshot snapshot = map.CreateSnapshot();
        int read = map.ReadSnapshot(snapshot, strategy);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Equal(Entries, read);
        AssertEntries(snapshot);

        // The snapshot object, its empty key index and its cursors: a few hundred bytes, none of the 240 KB of data
        // nor (for the walk) of the 512 KB index of yielded keys.
        Assert.InRange(allocated, 0, 1024);
    }

    [Fact]
    public void ReadSnapshot_PooledBufferOfAnotherMap_ShowsOnlyTheNewMapsEntries()
    {
        using BpfMap<uint, ulong> first = FilledHash();
        using BpfMap<uint, ulong> second = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries);
        for (uint key = 0; key < 100; key++)
        {
            second.Update(key + 1_000_000, key);
        }

        BpfMapSnapshot old = first.CreateSnapshot();
        Assert.Equal(Entries, first.ReadSnapshot(old));
        old.Dispose();
        using BpfMapSnapshot snapshot = second.CreateSnapshot();
        Assert.Equal(100, second.ReadSnapshot(snapshot));

        var keys = new HashSet<uint>();
        for (int i = 0; i < snapshot.Count; i++)
        {
            uint key = MemoryMarshal.Read<uint>(snapshot.KeyAt(i));
            Assert.Equal(key - 1_000_000UL, MemoryMarshal.Read<ulong>(snapshot.ValueAt(i)));
            Assert.True(keys.Add(key));
        }

        Assert.Equal(100, keys.Count);
        Assert.Equal(100 * sizeof(uint), snapshot.Keys.Length);
        Assert.Equal(-1, snapshot.IndexOf(BitConverter.GetBytes(5u)));
    }

    [Fact]
    public void Dispose_ThenAnyRead_ThrowsObjectDisposedException()
    {
        using BpfMap<uint, ulong> map = FilledHash();
        BpfMapSnapshot snapshot = map.CreateSnapshot();
        Assert.Equal(Entries, map.ReadSnapshot(snapshot));
        using BpfMapSnapshot other = map.CreateSnapshot();
        snapshot.Dispose();
        snapshot.Dispose(); // idempotent

        Assert.Equal(0, snapshot.Count);
        Assert.Throws<ObjectDisposedException>(() => snapshot.Keys.Length);
        Assert.Throws<ObjectDisposedException>(() => snapshot.Values.Length);
        Assert.Throws<ObjectDisposedException>(() => snapshot.KeyAt(0).Length);
        Assert.Throws<ObjectDisposedException>(() => snapshot.ValueAt(0).Length);
        Assert.Throws<ObjectDisposedException>(() => snapshot.IndexOf(new byte[sizeof(uint)]));
        Assert.Throws<ObjectDisposedException>(() => map.ReadSnapshot(snapshot));
        Assert.Throws<ObjectDisposedException>(() => other.CopyFrom(snapshot));
        Assert.Throws<ObjectDisposedException>(() => snapshot.CopyFrom(other));
    }

    [Fact]
    public void GetEnumerator_RepeatedOverTheSameMap_AllocatesNoData()
    {
        using BpfMap<uint, ulong> map = FilledHash();
        Assert.Equal(Entries, Sum(map).Count);
        Assert.Equal(Entries, Sum(map).Count);

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        (int count, ulong sum) = Sum(map);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Equal(Entries, count);
        Assert.Equal((ulong)Entries * (Entries - 1) / 2 * 7, sum);
        Assert.InRange(allocated, 0, 1024);
    }

    [Fact]
    public void MaxPooledBytes_SetToZero_ReleasesEveryKeptBuffer()
    {
        using BpfMap<uint, ulong> map = FilledHash();
        long limit = BpfMapSnapshot.MaxPooledBytes;
        try
        {
            map.CreateSnapshot().Dispose();
            using (BpfMapSnapshot snapshot = map.CreateSnapshot())
            {
                map.ReadSnapshot(snapshot);
            }

            Assert.True(SnapshotBufferPool.PooledBytes >= Entries * (sizeof(uint) + sizeof(ulong)));
            BpfMapSnapshot.MaxPooledBytes = 0;
            Assert.Equal(0, SnapshotBufferPool.PooledBytes);
            using (BpfMapSnapshot snapshot = map.CreateSnapshot())
            {
                map.ReadSnapshot(snapshot);
            }

            Assert.Equal(0, SnapshotBufferPool.PooledBytes);
            Assert.Throws<ArgumentOutOfRangeException>(() => BpfMapSnapshot.MaxPooledBytes = -1);
        }
        finally
        {
            BpfMapSnapshot.MaxPooledBytes = limit;
        }
    }

    private static (int Count, ulong Sum) Sum(BpfMap<uint, ulong> map)
    {
        int count = 0;
        ulong sum = 0;
        foreach (KeyValuePair<uint, ulong> entry in map)
        {
            count++;
            sum += entry.Value;
        }

        return (count, sum);
    }

    private static BpfMap<uint, ulong> FilledHash(int maxEntries = Entries, int entries = Entries)
    {
        BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(maxEntries);
        uint[] keys = new uint[entries];
        ulong[] values = new ulong[entries];
        for (uint key = 0; key < entries; key++)
        {
            keys[key] = key;
            values[key] = key * 7UL;
        }

        map.UpdateBatch(keys, values);
        return map;
    }

    private static void AssertEntries(BpfMapSnapshot snapshot)
    {
        for (int i = 0; i < snapshot.Count; i++)
        {
            Assert.Equal(MemoryMarshal.Read<uint>(snapshot.KeyAt(i)) * 7UL, MemoryMarshal.Read<ulong>(snapshot.ValueAt(i)));
        }
    }
}
