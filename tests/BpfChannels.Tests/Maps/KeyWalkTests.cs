using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

/// <summary>
/// The get_next_key walk against the kernel: a map disposed while it is walked (a whole read holds one lease on the
/// descriptor for the walk; <see cref="BpfMap.Keys"/> holds none between keys, each call leasing it for itself), and the
/// index that drops a key read twice.
/// </summary>
public sealed class KeyWalkTests
{
    [Fact]
    public void ReadSnapshot_MapDisposedDuringGetNextKeyWalk_ThrowsObjectDisposedExceptionThenClosesTheDescriptor()
    {
        BpfTestEnvironment.RequireBpf();

        DisposeDuringWalk(static (map, snapshot) => map.ReadSnapshot(snapshot, BpfMapReadStrategy.GetNextKey));
    }

    [Fact]
    public void Keys_MapDisposedDuringWalk_ThrowsObjectDisposedExceptionThenClosesTheDescriptor()
    {
        BpfTestEnvironment.RequireBpf();
        DisposeDuringWalk(static (map, _) => map.Map.Keys.Count());
    }

    [Fact]
    public void Keys_EnumerationAbandonedBetweenKeys_HoldsNoDescriptorOpenAfterDispose()
    {
        BpfTestEnvironment.RequireBpf();
        BpfMap<uint, ulong> map = SixteenKeys();

        int fd = map.Map.Handle.FileDescriptor;
        uint id = map.Map.Id;
        IEnumerator<byte[]> walk = map.Map.Keys.GetEnumerator();
        Assert.True(walk.MoveNext());
        Assert.True(walk.MoveNext());

        // Never disposed, never finished: a lease held across keys would keep the descriptor open past the map's Dispose.
        map.Dispose();
        AssertClosed(fd, id);
        GC.KeepAlive(walk);
    }

    private static BpfMap<uint, ulong> SixteenKeys()
    {
        BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16);
        for (uint key = 0; key < 16; key++)
        {
            map.Update(key, key);
        }

        return map;
    }

    /// <summary>The descriptor <paramref name="fd"/> no longer names map <paramref name="id"/>: the number is free, or names another object.</summary>
    private static void AssertClosed(int fd, uint id)
    {
        string fdinfo = $"/proc/self/fdinfo/{fd}";
        string info = File.Exists(fdinfo) ? File.ReadAllText(fdinfo) : string.Empty;
        Assert.DoesNotContain($"map_id:\t{id}\n", info, StringComparison.Ordinal);
    }

    /// <summary>Walks ever larger maps on another thread and disposes each meanwhile, until a dispose lands mid-walk.</summary>
    private static void DisposeDuringWalk(Func<BpfMap<uint, ulong>, BpfMapSnapshot, int> read)
    {
        // A dispose that comes after the walk ended is no test of this: try again, with a larger map, until one lands mid-walk.
        int entries = 50_000;
        for (int attempt = 0; attempt < 6; attempt++, entries *= 2)
        {
            if (DisposeDuringWalk(entries, read))
            {
                return;
            }
        }

        Assert.Fail("No dispose landed during a walk of up to 1,600,000 keys.");
    }

    /// <summary>Walks a map of <paramref name="entries"/> keys on another thread and disposes it meanwhile; false when the walk ended first.</summary>
    private static bool DisposeDuringWalk(int entries, Func<BpfMap<uint, ulong>, BpfMapSnapshot, int> walk)
    {
        BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(entries);
        uint[] keys = new uint[entries];
        for (int i = 0; i < entries; i++)
        {
            keys[i] = (uint)i;
        }

        map.UpdateBatch(keys, new ulong[entries]);
        int fd = map.Map.Handle.FileDescriptor;
        uint id = map.Map.Id;
        using BpfMapSnapshot snapshot = map.CreateSnapshot();
        Exception? thrown = null;
        int read = -1;
        using var walking = new ManualResetEventSlim();
        var walker = new Thread(() =>
        {
            try
            {
                walking.Set();
                read = walk(map, snapshot);
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        walker.Start();
        walking.Wait();
        Thread.Sleep(2);
        map.Dispose();
        Assert.True(walker.Join(TimeSpan.FromSeconds(60)));

        // The walk's lease ended with it, so the descriptor is closed now.
        AssertClosed(fd, id);
        if (thrown is null)
        {
            Assert.Equal(entries, read); // the walk ended before the dispose, having read every key
            return false;
        }

        ObjectDisposedException disposed = Assert.IsType<ObjectDisposedException>(thrown);
        Assert.True(disposed.Message.Contains("is disposed", StringComparison.Ordinal), disposed.ToString());
        Assert.Equal(-1, read);
        return true;
    }

    [Fact]
    public void Keys_MapDisposedBetweenKeys_ThrowsObjectDisposedException()
    {
        BpfTestEnvironment.RequireBpf();
        BpfMap<uint, ulong> map = SixteenKeys();

        using IEnumerator<byte[]> walk = map.Map.Keys.GetEnumerator();
        Assert.True(walk.MoveNext());
        map.Dispose();

        Assert.Throws<ObjectDisposedException>(() => walk.MoveNext());
    }

    [Fact]
    public void BuildUnique_KeysReadTwice_KeepsTheFirstOfEachWithItsValueInOrder()
    {
        uint[] keys = [7, 3, 7, 9, 3, 1];
        ulong[] values = [70, 30, 71, 90, 31, 10];
        byte[] keyBytes = MemoryMarshal.AsBytes(keys.AsSpan()).ToArray();
        byte[] valueBytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var index = new ByteKeySet();

        int kept = index.BuildUnique(keyBytes, sizeof(uint), valueBytes, sizeof(ulong), keys.Length);

        Assert.Equal(4, kept);
        Assert.Equal([7u, 3u, 9u, 1u], MemoryMarshal.Cast<byte, uint>(keyBytes.AsSpan(0, kept * sizeof(uint))).ToArray());
        Assert.Equal([70UL, 30UL, 90UL, 10UL], MemoryMarshal.Cast<byte, ulong>(valueBytes.AsSpan(0, kept * sizeof(ulong))).ToArray());
        for (int i = 0; i < kept; i++)
        {
            Assert.Equal(i, index.IndexOf(keyBytes.AsSpan(i * sizeof(uint), sizeof(uint)), keyBytes));
        }

        Assert.Equal(-1, index.IndexOf(BitConverter.GetBytes(5u), keyBytes));
    }
}
