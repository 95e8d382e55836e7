using System.Net;
using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

/// <summary>
/// The behaviour every backend shares, errno for errno. Runs against the kernel and against the in-memory
/// twin; the twin is trusted because these pass against both.
/// </summary>
public abstract class MapContractTests
{
    protected abstract BpfMapFactory Factory { get; }

    protected BpfMap<int, int> CreateSeedHash() => Factory.CreateHash<int, int>(100, BpfMapFlags.NoPrealloc);

    [Fact]
    public void Update_SeedExample_StoresValue()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        map.Update(1, 1234, BpfMapUpdateFlags.Any);
        Assert.True(map.TryLookup(1, out int value));
        Assert.Equal(1234, value);
        Assert.Equal(1234, map[1]);
    }

    [Fact]
    public void Update_NoExistOnExistingKey_ReportsEEXIST()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        map.Update(1, 1234);
        BpfException e = Assert.Throws<BpfException>(() => map.Update(1, 5678, BpfMapUpdateFlags.NoExist));
        Assert.Equal(BpfError.AlreadyExists, e.Error);
        Assert.Contains("EEXIST", e.Message);
        Assert.False(map.TryUpdate(1, 5678, BpfMapUpdateFlags.NoExist));
        Assert.Equal(BpfError.AlreadyExists, map.UpdateWithResult(1, 5678, BpfMapUpdateFlags.NoExist));
        Assert.Equal(1234, map[1]);
    }

    [Fact]
    public void Update_ExistOnMissingKey_ReportsENOENT()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        BpfException e = Assert.Throws<BpfException>(() => map.Update(7, 1, BpfMapUpdateFlags.Exist));
        Assert.Equal(BpfError.NotFound, e.Error);
        Assert.False(map.TryUpdate(7, 1, BpfMapUpdateFlags.Exist));
        Assert.False(map.ContainsKey(7));
        map.Update(7, 1, BpfMapUpdateFlags.NoExist);
        Assert.True(map.TryUpdate(7, 2, BpfMapUpdateFlags.Exist));
        Assert.Equal(2, map[7]);
    }

    [Fact]
    public void Update_FullHash_ReportsE2BIG()
    {
        using BpfMap<int, long> map = Factory.CreateHash<int, long>(4);
        for (int i = 0; i < 4; i++)
        {
            map.Update(i, i * 10L);
        }

        BpfException e = Assert.Throws<BpfException>(() => map.Update(99, 1));
        Assert.Equal(BpfError.TooBig, e.Error);
        Assert.Contains("full", e.Message);
        map.Update(3, 33); // replacing an existing key needs no new slot
        Assert.Equal(33L, map[3]);
    }

    [Fact]
    public void Update_LockFlagWithoutSpinLock_ReportsEINVAL()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        BpfException e = Assert.Throws<BpfException>(() => map.Update(1, 1, BpfMapUpdateFlags.Lock));
        Assert.Equal(BpfError.InvalidArgument, e.Error);
    }

    [Fact]
    public void Delete_ExistingAndMissing_ReportsENOENTOnlyForMissing()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        map.Update(1, 1);
        Assert.True(map.TryDelete(1));
        Assert.False(map.TryDelete(1));
        Assert.Equal(BpfError.NotFound, Assert.Throws<BpfException>(() => map.Delete(1)).Error);
        Assert.Equal(BpfError.NotFound, map.DeleteWithResult(1));
    }

    [Fact]
    public void TryLookupAndDelete_Hash_ReturnsAndRemoves()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        map.Update(5, 55);
        Assert.True(map.TryLookupAndDelete(5, out int value));
        Assert.Equal(55, value);
        Assert.False(map.ContainsKey(5));
        Assert.False(map.TryLookupAndDelete(5, out _));
    }

    [Fact]
    public void Array_KeysAreFixed_ZeroFilledNotDeletableBounded()
    {
        using BpfMap<uint, long> map = Factory.CreateArray<long>(8);
        Assert.Equal(0L, map[3]);
        Assert.Equal(8, map.Keys.Count());
        map.Update(3, 42);
        Assert.Equal(42L, map[3]);
        Assert.Equal(BpfError.InvalidArgument, Assert.Throws<BpfException>(() => map.Delete(3)).Error);
        Assert.Equal(BpfError.AlreadyExists, map.UpdateWithResult(3, 1, BpfMapUpdateFlags.NoExist));
        Assert.Equal(BpfError.None, map.UpdateWithResult(4, 1, BpfMapUpdateFlags.Exist));
        Assert.Equal(BpfError.TooBig, map.UpdateWithResult(8, 1));
        Assert.False(map.TryLookup(8, out _));
    }

    [Fact]
    public void LruHash_Full_EvictsInsteadOfFailing()
    {
        const int capacity = 64;
        using BpfMap<int, int> map = Factory.CreateLruHash<int, int>(capacity);
        for (int i = 0; i < capacity * 4; i++)
        {
            map.Update(i, i);
        }

        int count = map.Map.CountEntries();
        Assert.InRange(count, 1, capacity);
        Assert.Equal((capacity * 4) - 1, map[(capacity * 4) - 1]);
        Assert.False(map.ContainsKey(0));
    }

    [Fact]
    public void PerCpuHash_ValuesPerCpu_RoundTripAndSum()
    {
        using BpfPerCpuMap<int, long> map = Factory.CreatePerCpuHash<int, long>(16);
        int cpus = BpfSystem.PossibleCpuCount;
        Assert.Equal(cpus * 8, map.Map.ValueBufferSize);
        long[] values = Enumerable.Range(1, cpus).Select(i => (long)i * 100).ToArray();
        map.Update(1, values);
        Assert.Equal(values, map.Lookup(1));
        Assert.Equal(values.Sum(), map.Sum(1));
        Assert.False(map.TryUpdate(1, values, BpfMapUpdateFlags.NoExist));
        Assert.Equal(0L, map.Sum(2));
    }

    [Fact]
    public void PerCpuArray_SmallValues_RoundedToEightBytes()
    {
        using BpfPerCpuMap<uint, int> map = Factory.CreatePerCpuArray<int>(4);
        Assert.Equal(BpfSystem.PossibleCpuCount * 8, map.Map.ValueBufferSize);
        int[] values = Enumerable.Range(7, map.CpuCount).ToArray();
        map.Update(2, values);
        Assert.Equal(values, map.Lookup(2));
        Assert.True(map.TryAggregate(2u, 0, (max, v) => Math.Max(max, v), out int largest));
        Assert.Equal(values.Max(), largest);
        Assert.Throws<ArgumentException>(() => new BpfMap<uint, int>(map.Map));
    }

    [Fact]
    public void Queue_PushPop_FifoWithE2BIGWhenFull()
    {
        using BpfQueue<long> queue = Factory.CreateQueue<long>(3);
        Assert.False(queue.TryPop(out _));
        queue.Push(1);
        queue.Push(2);
        queue.Push(3);
        Assert.False(queue.TryPush(4));
        Assert.Equal(BpfError.TooBig, Assert.Throws<BpfException>(() => queue.Push(4)).Error);
        Assert.True(queue.TryPeek(out long head));
        Assert.Equal(1, head);
        queue.Push(4, overwriteOldest: true);
        Assert.Equal([2L, 3L, 4L], Drain(queue));
    }

    [Fact]
    public void Stack_PushPop_Lifo()
    {
        using BpfQueue<int> stack = Factory.CreateStack<int>(3);
        Assert.True(stack.IsStack);
        stack.Push(1);
        stack.Push(2);
        stack.Push(3);
        stack.Push(4, overwriteOldest: true);
        Assert.Equal([4, 3, 2], Drain(stack));
    }

    [Fact]
    public void LpmTrie_Lookup_LongestPrefixWins()
    {
        using BpfMap<LpmKey<uint>, int> trie = Factory.CreateLpmTrie<uint, int>(16);
        trie.Update(LpmKey.IPv4(IPAddress.Parse("10.0.0.0"), 8), 8);
        trie.Update(LpmKey.IPv4(IPAddress.Parse("10.1.0.0"), 16), 16);
        Assert.Equal(16, trie[LpmKey.IPv4(IPAddress.Parse("10.1.2.3"), 32)]);
        Assert.Equal(8, trie[LpmKey.IPv4(IPAddress.Parse("10.2.0.1"), 32)]);
        Assert.False(trie.TryLookup(LpmKey.IPv4(IPAddress.Parse("11.0.0.1"), 32), out _));
        Assert.Equal(BpfError.AlreadyExists, trie.UpdateWithResult(LpmKey.IPv4(IPAddress.Parse("10.0.0.0"), 8), 1, BpfMapUpdateFlags.NoExist));
        Assert.True(trie.TryDelete(LpmKey.IPv4(IPAddress.Parse("10.1.0.0"), 16)));
        Assert.Equal(8, trie[LpmKey.IPv4(IPAddress.Parse("10.1.2.3"), 32)]);
        Assert.Equal(BpfError.InvalidArgument, trie.UpdateWithResult(new LpmKey<uint>(33, 0), 1));
        Assert.Single(trie.Keys);
    }

    [Fact]
    public void LpmTrie_IPv6_LongestPrefixWins()
    {
        using BpfMap<LpmKey<IPv6Bytes>, int> trie = Factory.CreateLpmTrie<IPv6Bytes, int>(16);
        Assert.Equal(20, trie.Map.KeySize);
        trie.Update(LpmKey.IPv6(IPAddress.Parse("fd00::"), 8), 1);
        trie.Update(LpmKey.IPv6(IPAddress.Parse("fd00:1::"), 32), 2);
        Assert.Equal(2, trie[LpmKey.IPv6(IPAddress.Parse("fd00:1::5"), 128)]);
        Assert.Equal(1, trie[LpmKey.IPv6(IPAddress.Parse("fd00:2::5"), 128)]);
    }

    [Fact]
    public void Keys_DeletingEachCursorKeyDuringWalk_YieldsEveryKeyOnce()
    {
        using BpfMap<int, int> map = Factory.CreateHash<int, int>(2048);
        for (int i = 0; i < 1000; i++)
        {
            map.Update(i, i);
        }

        var seen = new List<int>();
        foreach (int key in map.Keys)
        {
            seen.Add(key);
            map.Delete(key); // the cursor key disappears: the kernel would restart the walk
        }

        Assert.Equal(1000, seen.Count);
        Assert.Equal(Enumerable.Range(0, 1000), seen.Order());
    }

    [Fact]
    public void Keys_DeletingOtherKeysDuringWalk_NeverYieldsAKeyTwice()
    {
        using BpfMap<int, int> map = Factory.CreateHash<int, int>(2048);
        for (int i = 0; i < 1000; i++)
        {
            map.Update(i, i);
        }

        var seen = new HashSet<int>();
        var deleted = new HashSet<int>();
        foreach (int key in map.Keys)
        {
            Assert.True(seen.Add(key), $"key {key} yielded twice");
            Assert.DoesNotContain(key, deleted);
            int victim = (key * 7919) % 1000;
            if (!seen.Contains(victim) && map.TryDelete(victim))
            {
                _ = deleted.Add(victim);
            }
        }

        // Every key that was never deleted was yielded.
        Assert.Equal(Enumerable.Range(0, 1000).Where(k => !deleted.Contains(k)).ToHashSet(), seen);
    }

    [Theory]
    [InlineData(BpfMapReadStrategy.Auto)]
    [InlineData(BpfMapReadStrategy.Batch)]
    [InlineData(BpfMapReadStrategy.GetNextKey)]
    public void ReadSnapshot_Hash_ReadsEveryEntry(BpfMapReadStrategy strategy)
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(5000);
        for (uint i = 0; i < 3000; i++)
        {
            map.Update(i, i * 3UL);
        }

        BpfMapSnapshot snapshot = map.CreateSnapshot();
        Assert.Equal(3000, map.ReadSnapshot(snapshot, strategy));
        var read = new Dictionary<uint, ulong>();
        for (int i = 0; i < snapshot.Count; i++)
        {
            read.Add(MemoryMarshal.Read<uint>(snapshot.KeyAt(i)), MemoryMarshal.Read<ulong>(snapshot.ValueAt(i)));
        }

        Assert.Equal(3000, read.Count);
        Assert.All(read, kv => Assert.Equal(kv.Key * 3UL, kv.Value));
        Assert.Equal(strategy == BpfMapReadStrategy.GetNextKey ? BpfMapReadStrategy.GetNextKey : BpfMapReadStrategy.Batch, snapshot.Strategy);

        // A second read reuses the buffers and sees a deletion.
        map.Delete(17);
        Assert.Equal(2999, map.ReadSnapshot(snapshot, strategy));
        Assert.Equal(-1, snapshot.IndexOf(BitConverter.GetBytes(17u)));
    }

    [Fact]
    public void ReadSnapshot_LpmTrie_ReadsEveryPrefixByBatchAndWalk()
    {
        using BpfMap<LpmKey<uint>, int> trie = Factory.CreateLpmTrie<uint, int>(256);
        for (int i = 0; i < 100; i++)
        {
            trie.Update(new LpmKey<uint>(24, (uint)i << 8), i);
        }

        BpfMapSnapshot snapshot = trie.CreateSnapshot();
        Assert.Equal(100, trie.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch));
        Assert.Equal(BpfMapReadStrategy.Batch, snapshot.Strategy);
        var batch = Enumerable.Range(0, 100).Select(i => MemoryMarshal.Read<int>(snapshot.ValueAt(i))).Order().ToList();
        Assert.Equal(100, trie.ReadSnapshot(snapshot, BpfMapReadStrategy.GetNextKey));
        var walk = Enumerable.Range(0, 100).Select(i => MemoryMarshal.Read<int>(snapshot.ValueAt(i))).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 100), batch);
        Assert.Equal(batch, walk);
    }

    [Fact]
    public void GetNextKey_Queue_ReportsEINVAL()
    {
        using BpfQueue<long> queue = Factory.CreateQueue<long>(4);
        queue.Push(1);
        Assert.Equal(BpfError.InvalidArgument, Assert.Throws<BpfException>(() => queue.Map.TryGetNextKey(default, default)).Error);
        Assert.Throws<NotSupportedException>(() => queue.Map.ReadSnapshot(new BpfMapSnapshot(1, 8)));
    }

    [Fact]
    public void ReadSnapshot_Array_ReadsAllSlots()
    {
        using BpfMap<uint, int> map = Factory.CreateArray<int>(100);
        map.Update(42, 4242);
        BpfMapSnapshot snapshot = map.CreateSnapshot();
        Assert.Equal(100, map.ReadSnapshot(snapshot));
        Assert.Equal(4242, MemoryMarshal.Read<int>(snapshot.ValueAt(snapshot.IndexOf(BitConverter.GetBytes(42u)))));
    }

    [Fact]
    public void LookupBatch_SmallBuffers_WalksWholeMap()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(1024);
        for (uint i = 0; i < 500; i++)
        {
            map.Update(i, i);
        }

        var cursor = new BpfMapBatchCursor();
        uint[] keys = new uint[64];
        ulong[] values = new ulong[64];
        var all = new HashSet<uint>();
        while (!cursor.IsComplete)
        {
            int n = map.LookupBatch(cursor, keys, values);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(keys[i], values[i]);
                Assert.True(all.Add(keys[i]));
            }
        }

        Assert.Equal(500, all.Count);
    }

    [Fact]
    public void LookupAndDeleteBatch_Hash_EmptiesMap()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(1024);
        for (uint i = 0; i < 300; i++)
        {
            map.Update(i, i);
        }

        var cursor = new BpfMapBatchCursor();
        byte[] keys = new byte[128 * 4];
        byte[] values = new byte[128 * 8];
        int total = 0;
        while (!cursor.IsComplete)
        {
            total += map.Map.LookupAndDeleteBatch(cursor, keys, values);
        }

        Assert.Equal(300, total);
        Assert.Empty(map.Keys);
    }

    [Fact]
    public void UpdateBatch_AnyFlags_WritesAll()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(100);
        uint[] keys = [1, 2, 3];
        ulong[] values = [10, 20, 30];
        Assert.Equal(3, map.UpdateBatch(keys, values));
        Assert.Equal(20UL, map[2]);
    }

    [Fact]
    public void UpdateBatch_NoExist_RefusedWithEINVAL()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(100);
        BpfBatchException e = Assert.Throws<BpfBatchException>(() => map.UpdateBatch([1u, 2u], [1UL, 2UL], BpfMapUpdateFlags.NoExist));
        Assert.Equal(BpfError.InvalidArgument, e.Error);
        Assert.Equal(0, e.Completed);
        Assert.Empty(map.Keys);
    }

    [Fact]
    public void UpdateBatch_FullMap_StopsAtFirstFailureAndReportsCompleted()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(2);
        BpfBatchException e = Assert.Throws<BpfBatchException>(() => map.UpdateBatch([1u, 2u, 3u, 4u], [1UL, 2UL, 3UL, 4UL]));
        Assert.Equal(BpfError.TooBig, e.Error);
        Assert.Equal(2, e.Completed);
        Assert.True(map.ContainsKey(2));
    }

    [Fact]
    public void DeleteBatch_MissingKey_StopsAndReportsCompleted()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(100);
        map.UpdateBatch([1u, 2u, 3u], [1UL, 2UL, 3UL]);
        BpfBatchException e = Assert.Throws<BpfBatchException>(() => map.DeleteBatch([1u, 9u, 3u]));
        Assert.Equal(BpfError.NotFound, e.Error);
        Assert.Equal(1, e.Completed);
        Assert.True(map.ContainsKey(3));
        Assert.False(map.ContainsKey(1));
    }

    [Fact]
    public void DeleteBatch_Array_NotSupported()
    {
        using BpfMap<uint, ulong> map = Factory.CreateArray<ulong>(4);
        BpfBatchException e = Assert.Throws<BpfBatchException>(() => map.DeleteBatch([1u]));
        Assert.Equal(BpfError.NotSupported, e.Error);
    }

    [Fact]
    public void Freeze_ThenWrite_ReportsEPERM()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        map.Update(1, 1);
        Assert.False(map.Map.IsFrozen);
        map.Map.Freeze();
        Assert.True(map.Map.IsFrozen);
        Assert.True(map.Map.GetInfo().IsFrozen);
        Assert.Equal(BpfError.NotPermitted, map.UpdateWithResult(2, 2));
        Assert.Equal(BpfError.NotPermitted, map.DeleteWithResult(1));
        Assert.Equal(1, map[1]);
        Assert.Equal(BpfError.NotPermitted, Assert.Throws<BpfException>(() => map.Map.Freeze()).Error);
    }

    [Fact]
    public void MmapArray_WritesThroughMapping_VisibleToSyscalls()
    {
        using BpfMmapArray<ulong> array = Factory.CreateMmapArray<ulong>(16);
        array[3] = 0xDEADBEEF;
        var typed = array.Map.As<uint, ulong>();
        Assert.Equal(0xDEADBEEFUL, typed[3]);
        typed.Update(4, 77);
        Assert.Equal(77UL, array[4]);
        Assert.Equal(77UL, array.AsSpan()[4]);
        BpfMapSnapshot snapshot = typed.CreateSnapshot();
        Assert.Equal(16, typed.ReadSnapshot(snapshot));
        Assert.Equal(BpfMapReadStrategy.MemoryMapped, snapshot.Strategy);
        Assert.Equal(0xDEADBEEFUL, MemoryMarshal.Read<ulong>(snapshot.ValueAt(3)));
    }

    [Fact]
    public void MmapArray_PaddedElements_IndexedAtEightByteStride()
    {
        using BpfMmapArray<int> array = Factory.CreateMmapArray<int>(4);
        array[1] = 11;
        array[2] = 22;
        Assert.Equal(11, array.Map.As<uint, int>()[1]);
        Assert.Equal(22, array.Map.As<uint, int>()[2]);
        Assert.Throws<InvalidOperationException>(() => array.AsSpan());
    }

    [Fact]
    public void HashOfMaps_SetInner_OpensSameMap()
    {
        using BpfMap<int, int> template = Factory.CreateHash<int, int>(8);
        using BpfMapOfMaps<int> outer = Factory.CreateHashOfMaps<int>(4, template.Map);
        using BpfMap<int, int> inner = Factory.CreateHash<int, int>(8);
        inner.Update(1, 99);
        outer.SetInner(7, inner.Map);
        Assert.True(outer.TryGetInnerId(7, out uint id));
        Assert.Equal(inner.Map.Id, id);
        using BpfMap opened = outer.OpenInner(7)!;
        Assert.Equal(99, opened.As<int, int>()[1]);
        Assert.Null(outer.OpenInner(8));
        Assert.True(outer.TryDelete(7));
    }

    [Fact]
    public void ArrayOfMaps_SetInner_StoresId()
    {
        using BpfMap<int, int> template = Factory.CreateHash<int, int>(8);
        using BpfMapOfMaps<uint> outer = Factory.CreateArrayOfMaps(4, template.Map);
        Assert.False(outer.TryGetInnerId(0, out _));
        outer.SetInner(0, template.Map);
        Assert.True(outer.TryGetInnerId(0, out uint id));
        Assert.Equal(template.Map.Id, id);
    }

    [Fact]
    public void GetInfo_ReportsCreationAttributes()
    {
        using BpfMap<int, long> map = Factory.CreateHash<int, long>(100, BpfMapFlags.NoPrealloc, "contract_info");
        BpfMapInfo info = map.Map.GetInfo();
        Assert.Equal(BpfMapType.Hash, info.Type);
        Assert.Equal(4, info.KeySize);
        Assert.Equal(8, info.ValueSize);
        Assert.Equal(100, info.MaxEntries);
        Assert.Equal(BpfMapFlags.NoPrealloc, info.Flags);
        Assert.Equal("contract_info", info.Name);
        Assert.False(info.IsFrozen);
        Assert.NotEqual(0u, info.Id);
    }

    [Fact]
    public void TypedView_WrongSizes_ThrowsBeforeAnySyscall()
    {
        using BpfMap<int, int> map = CreateSeedHash();
        ArgumentException key = Assert.Throws<ArgumentException>(() => map.Map.As<long, int>());
        Assert.Contains("4-byte keys", key.Message);
        ArgumentException value = Assert.Throws<ArgumentException>(() => map.Map.As<int, long>());
        Assert.Contains("4-byte values", value.Message);
        Assert.Throws<ArgumentException>(() => map.Map.Update(new byte[3], new byte[4]));
        Assert.Throws<ArgumentException>(() => map.Map.TryLookup(ReadOnlySpan<byte>.Empty, new byte[4]));
        Assert.Throws<ArgumentException>(() => map.Map.Update(new byte[4], new byte[4], BpfMapUpdateFlags.NoExist | BpfMapUpdateFlags.Exist));
    }

    [Fact]
    public void DisposedMap_Operations_ThrowObjectDisposed()
    {
        BpfMap<int, int> map = CreateSeedHash();
        map.Dispose();
        Assert.True(map.Map.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => map.Update(1, 1));
        Assert.Throws<ObjectDisposedException>(() => map.TryLookup(1, out _));
        Assert.Throws<ObjectDisposedException>(() => map.Map.As<int, int>());
        Assert.Throws<ObjectDisposedException>(() => map.Keys.ToList());
        map.Dispose(); // twice is harmless
    }

    [Theory]
    [InlineData(0, "max entries")]
    [InlineData(-1, "negative")]
    public void Create_BadMaxEntries_ThrowsArgumentException(int maxEntries, string expected)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Factory.Create(new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = maxEntries }));
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Create_NameTooLong_ThrowsArgumentException()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Factory.CreateHash<int, int>(4, name: "a_name_longer_than_15"));
        Assert.Contains("at most 15", e.Message);
    }

    [Fact]
    public void LpmTrie_LookupPrefixAboveMaximum_FindsNothing()
    {
        using BpfMap<LpmKey<uint>, int> trie = Factory.CreateLpmTrie<uint, int>(16);
        trie.Update(LpmKey.IPv4(IPAddress.Parse("0.0.0.0"), 0), 1);
        trie.Update(LpmKey.IPv4(IPAddress.Parse("10.0.0.0"), 8), 8);
        uint address = LpmKey.IPv4(IPAddress.Parse("10.1.2.3"), 32).Data;

        Assert.False(trie.TryLookup(new LpmKey<uint>(33, address), out _)); // the kernel does not clamp the prefix
        Assert.Equal(8, trie[new LpmKey<uint>(32, address)]);
        Assert.Equal(1, trie[new LpmKey<uint>(7, address)]);
    }

    [Fact]
    public void LookupBatch_BufferSmallerThanBucket_ReportsENOSPC()
    {
        (_, uint first, uint second) = BucketLayout(8);
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(8, BpfMapFlags.ZeroSeed);
        map.Update(first, 1);
        map.Update(second, 2);

        var cursor = new BpfMapBatchCursor();
        BpfException e = Assert.Throws<BpfException>(() => map.LookupBatch(cursor, new uint[1], new ulong[1]));
        Assert.Equal(BpfError.NoSpace, e.Error);
        Assert.False(cursor.IsComplete);

        uint[] keys = new uint[2];
        ulong[] values = new ulong[2];
        cursor.Reset();
        Assert.Equal(2, map.LookupBatch(cursor, keys, values)); // the whole bucket, newest first
        Assert.Equal([second, first], keys);
        Assert.True(cursor.IsComplete);
    }

    [Fact]
    public void LookupAndDeleteBatch_BufferSmallerThanBucket_DeletesWalkThenReportsENOSPC()
    {
        (uint alone, uint first, uint second) = BucketLayout(8);
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(8, BpfMapFlags.ZeroSeed);
        map.Update(alone, 10);
        map.Update(first, 1);
        map.Update(second, 2);

        var cursor = new BpfMapBatchCursor();
        byte[] key = new byte[4];
        byte[] value = new byte[8];
        Assert.Equal(1, map.Map.LookupAndDeleteBatch(cursor, key, value)); // the lone bucket fits and is deleted; the next does not fit
        Assert.Equal(alone, BitConverter.ToUInt32(key));
        Assert.False(cursor.IsComplete);
        Assert.Equal(BpfError.NoSpace, Assert.Throws<BpfException>(() => map.Map.LookupAndDeleteBatch(cursor, key, value)).Error);
        Assert.False(map.ContainsKey(alone));
        Assert.True(map.ContainsKey(first));
        Assert.True(map.ContainsKey(second));

        // The cursor still points at the bucket that did not fit: a bigger buffer resumes there.
        Assert.Equal(2, map.Map.LookupAndDeleteBatch(cursor, new byte[8], new byte[16]));
        Assert.True(cursor.IsComplete);
        Assert.Empty(map.Keys);
    }

    [Fact]
    public void LookupBatch_ArrayFilledAtLastIndex_IncompleteThenEmptyAndComplete()
    {
        using BpfMap<uint, long> map = Factory.CreateArray<long>(4);
        map.Update(3, 33);
        var cursor = new BpfMapBatchCursor();
        uint[] keys = new uint[4];
        long[] values = new long[4];

        Assert.Equal(4, map.LookupBatch(cursor, keys, values));
        Assert.Equal([0u, 1u, 2u, 3u], keys);
        Assert.Equal(33, values[3]);
        Assert.False(cursor.IsComplete); // the buffer filled exactly at the last index: the kernel has not seen the end yet
        Assert.Equal(0, map.LookupBatch(cursor, keys, values));
        Assert.True(cursor.IsComplete);
    }

    [Fact]
    public void LookupBatch_PerCpuArrayFilledAtLastIndex_IncompleteThenEmptyAndComplete()
    {
        using BpfPerCpuMap<uint, long> map = Factory.CreatePerCpuArray<long>(3);
        var cursor = new BpfMapBatchCursor();
        byte[] keys = new byte[3 * 4];
        byte[] values = new byte[3 * map.Map.ValueBufferSize];

        Assert.Equal(3, map.Map.LookupBatch(cursor, keys, values));
        Assert.False(cursor.IsComplete);
        Assert.Equal(0, map.Map.LookupBatch(cursor, keys, values));
        Assert.True(cursor.IsComplete);
    }

    [Fact]
    public void Create_ArrayOverTwoGiB_WorksAtEveryIndex()
    {
        const int entries = (1 << 28) + 1; // 2 GiB and 8 bytes of 8-byte values
        using BpfMap<uint, long> map = Factory.CreateArray<long>(entries);
        map.Update(entries - 1, 42);
        Assert.Equal(42, map[entries - 1]);
        Assert.Equal(0, map[entries / 2]);
        Assert.Equal(BpfError.TooBig, map.UpdateWithResult(entries, 1));
        Assert.False(map.Map.TryGetNextKey(BitConverter.GetBytes(entries - 1u), new byte[4]));
    }

    /// <summary>
    /// Three keys for a hash map with <paramref name="buckets"/> buckets and a zero seed: one alone in a bucket, and two
    /// that share a later bucket. Found with the kernel's own bucket hash, which the differential suite checks the twin against.
    /// </summary>
    private static (uint Alone, uint First, uint Second) BucketLayout(uint buckets)
    {
        uint Bucket(uint key) => JHash.HashMapKey(BitConverter.GetBytes(key), 0) & (buckets - 1);
        for (uint first = 1; ; first++)
        {
            for (uint second = first + 1; second < first + 64; second++)
            {
                if (Bucket(first) != Bucket(second) || Bucket(first) == 0)
                {
                    continue;
                }

                for (uint alone = 100; alone < 200; alone++)
                {
                    if (Bucket(alone) < Bucket(first))
                    {
                        return (alone, first, second);
                    }
                }
            }
        }
    }

    private static List<T> Drain<T>(BpfQueue<T> queue)
        where T : unmanaged
    {
        var items = new List<T>();
        while (queue.TryPop(out T item))
        {
            items.Add(item);
        }

        return items;
    }
}

public sealed class KernelMapContractTests : MapContractTests
{
    protected override BpfMapFactory Factory
    {
        get
        {
            BpfTestEnvironment.RequireBpf();
            return BpfMapFactory.Kernel;
        }
    }
}

public sealed class InMemoryMapContractTests : MapContractTests
{
    protected override BpfMapFactory Factory => BpfMapFactory.InMemory;

    [Fact]
    public void Registry_UndisposedTwinCollected_EntryPruned()
    {
        (WeakReference weak, uint id) = CreateAndDrop();
        for (int i = 0; i < 5 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive); // the registry does not keep the twin alive
        Assert.Null(InMemoryBpfMap.FromId(id));
        TwinRegistry.Prune();
        Assert.False(TwinRegistry.Contains(id)); // and its entry does not stay behind
    }

    [Fact]
    public void Registry_LiveUndisposedTwin_SurvivesPrune()
    {
        BpfMap map = Factory.CreateHash<int, int>(4).Map;
        uint id = map.Id;
        GC.Collect();
        TwinRegistry.Prune();
        Assert.Same(map, InMemoryBpfMap.FromId(id));
        GC.KeepAlive(map);
        map.Dispose();
        Assert.False(TwinRegistry.Contains(id));
    }

    [Fact]
    public void ElementOperations_ExistingEntries_AllocateNothing()
    {
        using BpfMap<uint, ulong> hash = Factory.CreateHash<uint, ulong>(64);
        using BpfMap<uint, ulong> array = Factory.CreateArray<ulong>(64);
        using BpfMap<LpmKey<uint>, int> trie = Factory.CreateLpmTrie<uint, int>(16);
        using BpfQueue<long> queue = Factory.CreateQueue<long>(4);
        var prefix = new LpmKey<uint>(16, 0x0000010a);
        var address = new LpmKey<uint>(32, 0x0302010a);
        byte[] keys = new byte[16 * 4];
        byte[] values = new byte[16 * 8];
        var cursor = new BpfMapBatchCursor();
        for (uint i = 0; i < 32; i++)
        {
            hash.Update(i, i);
        }

        trie.Update(prefix, 1);
        void Operations()
        {
            for (uint i = 0; i < 32; i++)
            {
                hash.Update(i, i + 1, BpfMapUpdateFlags.Exist);
                _ = hash.TryLookup(i, out _);
                array.Update(i, i);
                _ = array.TryLookup(i, out _);
            }

            trie.Update(prefix, 2, BpfMapUpdateFlags.Exist);
            _ = trie.TryLookup(address, out _);
            queue.Push(1);
            _ = queue.TryPop(out _);
            cursor.Reset();
            _ = hash.Map.LookupBatch(cursor, keys, values);
            cursor.Reset();
            _ = array.Map.LookupBatch(cursor, keys, values);
        }

        Operations(); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Operations();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private (WeakReference Weak, uint Id) CreateAndDrop()
    {
        BpfMap map = Factory.CreateHash<int, int>(4).Map;
        return (new WeakReference(map), map.Id);
    }
}
