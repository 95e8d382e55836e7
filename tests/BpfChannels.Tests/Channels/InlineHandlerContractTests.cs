using System.Buffers.Binary;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>
/// Inline subscriptions (MapChannel{TKey,TValue}.Subscribe, MapChannel.SubscribeBytes) and the byte-level channel
/// (MapChannel.Create), against the kernel and the in-memory twin.
/// </summary>
public abstract class InlineHandlerContractTests
{
    protected abstract BpfMapFactory Factory { get; }

    [Fact]
    public void Subscribe_ExistingEntries_ListedBeforeReturnThenChangesWithPreviousValues()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        map.Update(2, 20);
        MapChannel<uint, ulong> channel = Polled(map);
        var recorder = new Recorder();

        using IDisposable subscription = channel.Subscribe(new RecordingHandler(recorder));

        Assert.Equal([(MapChangeKind.Added, 1u, 10ul, 0ul), (MapChangeKind.Added, 2u, 20ul, 0ul)], recorder.Changes.Order());
        Assert.Equal(1, channel.SubscriberCount);
        recorder.Changes.Clear();
        map.Update(2, 21);
        map.Delete(1);
        map.Update(3, 30);
        channel.Poll();
        Assert.Equal(
            [(MapChangeKind.Added, 3u, 30ul, 0ul), (MapChangeKind.Updated, 2u, 21ul, 20ul), (MapChangeKind.Removed, 1u, 0ul, 10ul)],
            recorder.Changes.OrderBy(c => c.Kind));
        Assert.Equal(Environment.CurrentManagedThreadId, Assert.Single(recorder.Threads)); // every call on the polling thread (this one)

        subscription.Dispose();
        recorder.Changes.Clear();
        map.Update(4, 40);
        channel.Poll();
        Assert.Empty(recorder.Changes);
        Assert.Equal(0, channel.SubscriberCount);
    }

    [Fact]
    public void Subscribe_HandlerThrows_UnsubscribedWhileOthersGoOn()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        var recorder = new Recorder();
        using IDisposable failing = channel.Subscribe(new ThrowingHandler());
        using IDisposable healthy = channel.Subscribe(new RecordingHandler(recorder));
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();

        map.Update(1, 10);
        channel.Poll();
        map.Update(2, 20);
        channel.Poll();

        Assert.Equal(2, channel.SubscriberCount); // the throwing handler is gone, the others stay
        Assert.Equal([(MapChangeKind.Added, 1u, 10ul, 0ul), (MapChangeKind.Added, 2u, 20ul, 0ul)], recorder.Changes);
        Assert.Equal(2, MapChannelContractTests.Drain(reader).Count);
    }

    [Fact]
    public void Subscribe_ThrowsDuringListing_NotSubscribedAndExceptionLeaves()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        MapChannel<uint, ulong> channel = Polled(map);

        Assert.Throws<InvalidOperationException>(() => channel.Subscribe(new ThrowingHandler()));
        Assert.Equal(0, channel.SubscriberCount);
    }

    [Fact]
    public void Subscribe_UnchangedPoll_AllocatesNothing()
    {
        using BpfMap<uint, ulong> map = Filled(1000);

        MapChannel<uint, ulong> channel = Polled(map);
        using IDisposable subscription = channel.Subscribe(new CountingHandler(new Recorder()));
        MapChannelContractTests.AssertUnchangedPollAllocatesNothing(channel, channel.Poll().Strategy);
    }

    [Fact]
    public void Subscribe_ChangedPolls_AllocateNothingPerChange()
    {
        using BpfMap<uint, ulong> map = Filled(1000);

        MapChannel<uint, ulong> channel = Polled(map);
        var recorder = new Recorder();
        using IDisposable subscription = channel.Subscribe(new CountingHandler(recorder));
        long least = long.MaxValue;
        for (int round = 1; round <= 5; round++)
        {
            for (uint i = 0; i < 1000; i++)
            {
                map.Update(i, i + (ulong)round); // every value changes: 1000 changes per poll
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Equal(1000, channel.Poll().Changes);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(6000, recorder.Count); // the listing and five polls of 1000 changes
        Assert.True(least < 1000, $"a poll of 1000 changes to an inline handler allocated {least} bytes");
    }

    [Fact]
    public void Create_PerCpuMap_DeliversEveryCpusValueAsBytes()
    {
        using BpfPerCpuMap<uint, ulong> map = Factory.CreatePerCpuHash<uint, ulong>(16);
        int cpus = BpfSystem.PossibleCpuCount;
        ulong[] values = new ulong[cpus];
        values[^1] = 23;
        map.Update(1, values);
        MapChannel channel = MapChannel.Create(map.Map);
        var sink = new BytesSink(new List<(MapChangeKind, byte[], byte[], byte[])>());

        using IDisposable subscription = channel.SubscribeBytes(sink);
        Assert.Equal(1, channel.Poll().Changes); // the first read: the entry as Added
        values[0] = 100;
        map.Update(1, values); // only CPU 0 changes
        Assert.Equal(1, channel.Poll().Changes);

        Assert.Equal(8 * cpus, channel.StateValueSize);
        Assert.Equal(2, sink.Changes.Count);
        Assert.Equal(MapChangeKind.Added, sink.Changes[0].Kind);
        (MapChangeKind kind, byte[] key, byte[] value, byte[] previous) = sink.Changes[1];
        Assert.Equal(MapChangeKind.Updated, kind);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(key));
        Assert.Equal(100ul, BinaryPrimitives.ReadUInt64LittleEndian(value));
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(previous));
        Assert.Equal(23ul, BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(8 * (cpus - 1))));
        var state = new BpfMapSnapshot(channel.KeySize, channel.StateValueSize);
        channel.CopyStateTo(state);
        Assert.Equal(1, state.Count);
        Assert.Equal(value, state.ValueAt(0).ToArray());
    }

    [Fact]
    public void Create_BindMapOfAnotherShape_ThrowsNamingBoth()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16, name: "shape_a");
        using BpfMap<uint, uint> other = Factory.CreateHash<uint, uint>(16, name: "shape_b");
        MapChannel channel = MapChannel.Create(map.Map);

        ArgumentException error = Assert.Throws<ArgumentException>(() => channel.Bind(other.Map));
        Assert.Contains("shape_b", error.Message, StringComparison.Ordinal);
        Assert.Contains("4-byte values", error.Message, StringComparison.Ordinal);
        Assert.Contains("8-byte values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Queue_ThrowsBeforeReading()
    {
        using BpfQueue<ulong> queue = Factory.CreateQueue<ulong>(4);
        ArgumentException error = Assert.Throws<ArgumentException>(() => MapChannel.Create(queue.Map));
        Assert.Contains("no keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ReplacedMap_RelistsTheDifferences()
    {
        using BpfMap<uint, ulong> first = Factory.CreateHash<uint, ulong>(16);
        using BpfMap<uint, ulong> second = Factory.CreateHash<uint, ulong>(16);
        first.Update(1, 10);
        second.Update(1, 11);
        second.Update(2, 20);
        MapChannel channel = MapChannel.Create(first.Map);
        var sink = new BytesSink(new List<(MapChangeKind, byte[], byte[], byte[])>());
        using IDisposable subscription = channel.SubscribeBytes(sink);
        Assert.Equal(1, channel.Poll().Changes);

        channel.Bind(second.Map);
        MapPollResult result = channel.Poll();

        Assert.Equal(2, result.Changes);
        Assert.Equal(1, channel.Relists);
        Assert.Equal([MapChangeKind.Added, MapChangeKind.Added, MapChangeKind.Updated], sink.Changes.Select(c => c.Kind).Order());
    }

    /// <summary>A hash of <paramref name="entries"/> entries, key i holding i.</summary>
    private BpfMap<uint, ulong> Filled(uint entries)
    {
        BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>((int)entries + 24);
        for (uint i = 0; i < entries; i++)
        {
            map.Update(i, i);
        }

        return map;
    }

    /// <summary>A channel that has read the map once, so a subscriber's listing is the map's contents.</summary>
    internal static MapChannel<uint, ulong> Polled(BpfMap<uint, ulong> map)
    {
        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { PollWhenUnobserved = true });
        _ = channel.Poll();
        return channel;
    }

    internal sealed class Recorder
    {
        public List<(MapChangeKind Kind, uint Key, ulong Value, ulong Previous)> Changes { get; } = [];

        public HashSet<int> Threads { get; } = [];

        public long Count;
    }

    internal readonly struct RecordingHandler(Recorder recorder) : IMapChangeHandler<uint, ulong>
    {
        public void OnChange(MapChangeKind kind, in uint key, in ulong value, in ulong previous)
        {
            recorder.Changes.Add((kind, key, value, previous));
            recorder.Threads.Add(Environment.CurrentManagedThreadId);
        }
    }

    /// <summary>Counts without allocating.</summary>
    internal readonly struct CountingHandler(Recorder recorder) : IMapChangeHandler<uint, ulong>
    {
        public void OnChange(MapChangeKind kind, in uint key, in ulong value, in ulong previous) => recorder.Count++;
    }

    private readonly struct ThrowingHandler : IMapChangeHandler<uint, ulong>
    {
        public void OnChange(MapChangeKind kind, in uint key, in ulong value, in ulong previous) => throw new InvalidOperationException("the handler broke");
    }

    internal readonly struct BytesSink(List<(MapChangeKind Kind, byte[] Key, byte[] Value, byte[] Previous)> changes) : ISnapshotChangeSink
    {
        public List<(MapChangeKind Kind, byte[] Key, byte[] Value, byte[] Previous)> Changes => changes;

        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
        {
            lock (changes)
            {
                changes.Add((kind, key.ToArray(), value.ToArray(), previous.ToArray()));
            }
        }
    }
}

public sealed class KernelInlineHandlerContractTests : InlineHandlerContractTests
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

public sealed class InMemoryInlineHandlerContractTests : InlineHandlerContractTests
{
    protected override BpfMapFactory Factory => BpfMapFactory.InMemory;
}
