using System.Threading.Channels;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>Map channel behaviour shared by the kernel and the in-memory twin: change detection, subscribers, the cache.</summary>
public abstract class MapChannelContractTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected abstract BpfMapFactory Factory { get; }

    [Fact]
    public void Poll_EntryAdded_EmitsAdded()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = new(map);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        map.Update(5, 50);

        MapPollResult result = channel.Poll();

        Assert.True(result.Polled);
        Assert.Equal(1, result.Changes);
        Assert.Equal([new MapChange<uint, ulong>(MapChangeKind.Added, 5, 50, 0)], Drain(reader));
    }

    [Fact]
    public void Poll_ValueChanged_EmitsUpdatedWithPreviousValue()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        map.Update(2, 20);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { PollWhenUnobserved = true });
        channel.Poll();
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        Drain(reader);
        map.Update(2, 21);

        channel.Poll();

        Assert.Equal([new MapChange<uint, ulong>(MapChangeKind.Updated, 2, 21, 20)], Drain(reader));
    }

    [Fact]
    public void Poll_EntryDeleted_EmitsRemovedWithPreviousValue()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        map.Update(2, 20);
        map.Update(3, 30);
        MapChannel<uint, ulong> channel = new(map);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        channel.Poll();
        Drain(reader);
        map.Delete(2);
        map.Update(4, 40);
        map.Update(3, 31);

        channel.Poll();

        List<MapChange<uint, ulong>> changes = Drain(reader);
        Assert.Equal(3, changes.Count);
        Assert.Contains(new MapChange<uint, ulong>(MapChangeKind.Removed, 2, 0, 20), changes);
        Assert.Contains(new MapChange<uint, ulong>(MapChangeKind.Added, 4, 40, 0), changes);
        Assert.Contains(new MapChange<uint, ulong>(MapChangeKind.Updated, 3, 31, 30), changes);
        Assert.Equal(3, channel.Count);
    }

    [Fact]
    public void OpenReader_ExistingEntries_ListsThemAsAddedBeforeChanges()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        map.Update(2, 20);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { PollWhenUnobserved = true });
        channel.Poll();
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        map.Update(1, 11);
        channel.Poll();

        List<MapChange<uint, ulong>> changes = Drain(reader);

        Assert.Equal(3, changes.Count);
        Assert.Equal(
            [new(MapChangeKind.Added, 1, 10, 0), new(MapChangeKind.Added, 2, 20, 0)],
            changes.Take(2).OrderBy(c => c.Key));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 1, 11, 10), changes[2]);
    }

    [Fact]
    public void TryGet_MapChangedSinceLastPoll_AnswersLastPolledState()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(7, 70);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { PollWhenUnobserved = true });
        channel.Poll();
        map.Update(7, 71);
        map.Update(8, 80);

        Assert.True(channel.TryGet(7, out ulong cached));
        Assert.Equal(70UL, cached);
        Assert.False(channel.TryGet(8, out _));
        Assert.Equal(1, channel.Count);

        channel.Poll();

        Assert.True(channel.TryGet(8, out ulong fresh));
        Assert.Equal(80UL, fresh);
        Assert.Equal(new Dictionary<uint, ulong> { [7] = 71, [8] = 80 }, channel.ToDictionary());
        BpfMapSnapshot copy = map.CreateSnapshot();
        channel.CopyStateTo(copy);
        Assert.Equal(2, copy.Count);
    }

    [Fact]
    public void Poll_HashNothingChanged_ReadsInBatchesAndAllocatesNothing()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(10_000);
        for (uint i = 0; i < 10_000; i++)
        {
            map.Update(i, i);
        }

        MapChannel<uint, ulong> channel = new(map);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        Assert.Equal(10_000, channel.Poll().Changes);
        map.Update(5, 6);
        Assert.Equal(1, channel.Poll().Changes);
        AssertUnchangedPollAllocatesNothing(channel, BpfMapReadStrategy.Batch);
    }

    [Fact]
    public void Poll_MmapableArrayNothingChanged_ReadsMappedMemoryAndAllocatesNothing()
    {
        using BpfMap<uint, ulong> map = Factory.CreateArray<ulong>(10_000, BpfMapFlags.Mmapable);
        for (uint i = 0; i < 10_000; i += 7)
        {
            map.Update(i, i);
        }

        MapChannel<uint, ulong> channel = new(map);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        Assert.Equal(10_000, channel.Poll().Changes);
        map.Update(14, 1);
        Assert.Equal(1, channel.Poll().Changes);

        AssertUnchangedPollAllocatesNothing(channel, BpfMapReadStrategy.MemoryMapped);
    }

    [Fact]
    public void Poll_NobodySubscribed_ReadsNothingUntilSomeoneSubscribes()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        MapChannel<uint, ulong> channel = new(map);

        MapPollResult idle = channel.Poll();

        Assert.False(idle.Polled);
        Assert.Equal(0, channel.Polls);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        Assert.True(channel.Poll().Polled);
        Assert.Equal([new MapChange<uint, ulong>(MapChangeKind.Added, 1, 10, 0)], Drain(reader));
    }

    [Fact]
    public void OpenReader_AfterIdlePolls_ListsTheMapAsItIsNow()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        MapChannel<uint, ulong> channel = new(map);
        using (MapChangeReader<uint, ulong> first = channel.OpenReader())
        {
            Assert.True(channel.Poll().Polled);
        }

        // Nobody listens: polls are skipped while the map changes.
        map.Update(1, 11);
        map.Update(2, 20);
        Assert.False(channel.Poll().Polled);

        using MapChangeReader<uint, ulong> late = channel.OpenReader();
        Assert.Equal(
            [new MapChange<uint, ulong>(MapChangeKind.Added, 1, 11, 0), new MapChange<uint, ulong>(MapChangeKind.Added, 2, 20, 0)],
            Drain(late).OrderBy(c => c.Key));
        Assert.True(channel.TryGet(2, out ulong value));
        Assert.Equal(20UL, value);
    }

    [Fact]
    public void OpenReader_KeyFilter_DeliversOnlyThatKey()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        map.Update(2, 20);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { PollWhenUnobserved = true });
        channel.Poll();
        using MapChangeReader<uint, ulong> one = channel.OpenReader(2u);
        using MapChangeReader<uint, ulong> odd = channel.OpenReader(k => k % 2 == 1);
        map.Update(1, 11);
        map.Update(2, 21);
        map.Update(3, 30);

        channel.Poll();

        Assert.Equal([new(MapChangeKind.Added, 2, 20, 0), new(MapChangeKind.Updated, 2, 21, 20)], Drain(one));
        Assert.Equal(
            [new(MapChangeKind.Added, 1, 10, 0), new(MapChangeKind.Added, 3, 30, 0), new(MapChangeKind.Updated, 1, 11, 10)],
            Drain(odd).OrderBy(c => c.Kind).ThenBy(c => c.Key));
    }

    [Theory]
    [InlineData(BoundedChannelFullMode.DropOldest)]
    [InlineData(BoundedChannelFullMode.DropNewest)]
    [InlineData(BoundedChannelFullMode.DropWrite)]
    [InlineData(BoundedChannelFullMode.Wait)]
    public void OpenReader_StalledConsumer_CountsDropsAndOthersGetEverything(BoundedChannelFullMode mode)
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { SubscriberCapacity = 4, FullMode = mode });
        using MapChangeReader<uint, ulong> stalled = channel.OpenReader();
        using MapChangeReader<uint, ulong> other = channel.OpenReader();
        for (uint i = 0; i < 10; i++)
        {
            map.Update(i, i);
            channel.Poll();
            other.TryRead(out _);
        }

        Assert.Equal(6, stalled.DroppedChanges);
        Assert.Equal(6, channel.DroppedChanges);
        Assert.Equal(0, other.DroppedChanges);
        List<MapChange<uint, ulong>> kept = Drain(stalled);
        Assert.Equal(4, kept.Count);
        uint expectedLast = mode == BoundedChannelFullMode.DropOldest ? 9u : mode == BoundedChannelFullMode.DropNewest ? 9u : 3u;
        Assert.Equal(expectedLast, kept[^1].Key);
    }

    [Fact]
    public async Task Observe_ThrowingSubscriber_PollerAndOthersGoOn()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = new(map);
        var threw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        using IDisposable bad = channel.Observe().Subscribe(_ =>
        {
            threw.TrySetResult();
            throw new InvalidOperationException("subscriber bug");
        });
        using IDisposable good = channel.Observe().Subscribe(c => received.Writer.TryWrite(c));

        map.Update(1, 10);
        channel.Poll();
        await threw.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        map.Update(1, 11);
        channel.Poll();

        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 1, 10, 0), await received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 1, 11, 10), await received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience));
        Assert.Equal(2, channel.Polls);
    }

    [Fact]
    public async Task WatchAsync_ChannelCompleted_StreamsListThenChangesThenEnds()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { PollWhenUnobserved = true });
        channel.Poll();
        IAsyncEnumerator<MapChange<uint, ulong>> stream = channel.WatchAsync(cancellationToken: TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 1, 10, 0), stream.Current);
        map.Delete(1);
        channel.Poll();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Removed, 1, 0, 10), stream.Current);

        await channel.CompleteAsync();

        Assert.False(await stream.MoveNextAsync());
        await stream.DisposeAsync();
        Assert.Equal(0, channel.SubscriberCount);
    }

    [Fact]
    public async Task WatchAsync_OneKey_StreamsOnlyThatKey()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = new(map);
        await using IAsyncEnumerator<MapChange<uint, ulong>> stream = channel.WatchAsync(2u, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        ValueTask<bool> next = stream.MoveNextAsync();
        map.Update(1, 10);
        map.Update(2, 20);

        channel.Poll();

        Assert.True(await next);
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 2, 20, 0), stream.Current);
        Assert.Equal(2, channel.Count);
    }

    [Fact]
    public async Task CompleteAsync_Subscribers_CompletesObserversReadersAndRefusesPolls()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = new(map);
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable observer = channel.Observe().Subscribe(_ => { }, () => completed.TrySetResult());
        MapChangeReader<uint, ulong> reader = channel.OpenReader();

        await channel.CompleteAsync();

        await completed.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await reader.Completion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.True(channel.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => channel.Poll());
        Assert.True(channel.OpenReader().Completion.IsCompleted);
        await Assert.ThrowsAsync<ChannelClosedException>(() => channel.WriteAsync(MapWrite.Update<uint, ulong>(1, 1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WriteAsync_EveryFlag_ReportsKernelOutcome()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(2);
        MapChannel<uint, ulong> channel = new(map);
        CancellationToken ct = TestContext.Current.CancellationToken;

        MapWriteOutcome<uint, ulong> any = await channel.WriteAsync(MapWrite.Update<uint, ulong>(1, 10), ct);
        MapWriteOutcome<uint, ulong> noExist = await channel.WriteAsync(MapWrite.Update<uint, ulong>(1, 11, BpfMapUpdateFlags.NoExist), ct);
        MapWriteOutcome<uint, ulong> exist = await channel.WriteAsync(MapWrite.Update<uint, ulong>(9, 90, BpfMapUpdateFlags.Exist), ct);
        MapWriteOutcome<uint, ulong> existOk = await channel.WriteAsync(MapWrite.Update<uint, ulong>(1, 12, BpfMapUpdateFlags.Exist), ct);
        MapWriteOutcome<uint, ulong> second = await channel.WriteAsync(MapWrite.Update<uint, ulong>(2, 20, BpfMapUpdateFlags.NoExist), ct);
        MapWriteOutcome<uint, ulong> full = await channel.WriteAsync(MapWrite.Update<uint, ulong>(3, 30), ct);
        MapWriteOutcome<uint, ulong> locked = await channel.WriteAsync(MapWrite.Update<uint, ulong>(1, 13, BpfMapUpdateFlags.Lock), ct);
        MapWriteOutcome<uint, ulong> deleteMissing = await channel.WriteAsync(MapWrite.Delete<uint, ulong>(9), ct);
        MapWriteOutcome<uint, ulong> delete = await channel.WriteAsync(MapWrite.Delete<uint, ulong>(2), ct);

        Assert.True(any.Succeeded);
        Assert.Equal(BpfError.AlreadyExists, noExist.Error);
        Assert.Equal(17, noExist.Errno);
        Assert.Equal(1u, noExist.Write.Key);
        Assert.Equal(BpfMapUpdateFlags.NoExist, noExist.Write.Flags);
        Assert.Equal(BpfError.NotFound, exist.Error);
        Assert.Equal(9u, exist.Write.Key);
        Assert.True(existOk.Succeeded);
        Assert.True(second.Succeeded);
        Assert.Equal(BpfError.TooBig, full.Error);
        Assert.Equal(BpfError.InvalidArgument, locked.Error);
        Assert.Equal(BpfError.NotFound, deleteMissing.Error);
        Assert.True(delete.Succeeded);
        Assert.Equal(12UL, map[1]);
        Assert.False(map.ContainsKey(2));
        Assert.Equal(9, channel.Writes);
        Assert.Equal(5, channel.WriteFailures);
    }

    [Fact]
    public async Task Writer_BatchStoppedByFullMap_ReportsEveryElementsOutcome()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(5);
        MapChannel<uint, ulong> channel = new(map);
        var outcomes = new List<MapWriteOutcome<uint, ulong>>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var entered = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        using IDisposable subscription = channel.Outcomes.Subscribe(o =>
        {
            if (outcomes.Count == 0)
            {
                // Hold the writer on its first outcome so the next eight queue up and go out as one batch.
                entered.Release();
                release.Wait();
            }

            outcomes.Add(o);
            if (outcomes.Count == 9)
            {
                all.TrySetResult();
            }
        });
        CancellationToken ct = TestContext.Current.CancellationToken;
        await channel.Writer.WriteAsync(MapWrite.Update<uint, ulong>(100, 1, BpfMapUpdateFlags.NoExist), ct);
        await entered.WaitAsync(Patience, ct);
        for (uint i = 0; i < 8; i++)
        {
            await channel.Writer.WriteAsync(MapWrite.Update<uint, ulong>(i, i * 100), ct);
        }

        release.Set();

        await all.Task.WaitAsync(Patience, ct);
        Assert.Equal([100u, 0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u], outcomes.Select(o => o.Write.Key));
        Assert.All(outcomes.Take(5), o => Assert.True(o.Succeeded));
        Assert.All(outcomes.Skip(5), o => Assert.Equal(BpfError.TooBig, o.Error));
        Assert.All(outcomes.Skip(5), o => Assert.Equal(BpfMapUpdateFlags.Any, o.Write.Flags));
        Assert.Equal(5, map.Map.CountEntries());
        Assert.Equal(300UL, map[3]);
        Assert.Equal(4, channel.WriteFailures);
    }

    [Fact]
    public async Task Writer_QueueFull_AppliesBackpressure()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { WriteCapacity = 2 });
        using var entered = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        using IDisposable slow = channel.Outcomes.Subscribe(_ =>
        {
            entered.Release();
            release.Wait();
        });
        CancellationToken ct = TestContext.Current.CancellationToken;

        Assert.True(channel.Writer.TryWrite(MapWrite.Update<uint, ulong>(0, 0, BpfMapUpdateFlags.NoExist)));
        await entered.WaitAsync(Patience, ct);
        Assert.True(channel.Writer.TryWrite(MapWrite.Update<uint, ulong>(1, 1, BpfMapUpdateFlags.NoExist)));
        Assert.True(channel.Writer.TryWrite(MapWrite.Update<uint, ulong>(2, 2, BpfMapUpdateFlags.NoExist)));
        Assert.False(channel.Writer.TryWrite(MapWrite.Update<uint, ulong>(3, 3, BpfMapUpdateFlags.NoExist)));
        Task<MapWriteOutcome<uint, ulong>> waiting = channel.WriteAsync(MapWrite.Update<uint, ulong>(3, 3, BpfMapUpdateFlags.NoExist), ct);
        Assert.False(waiting.IsCompleted);

        release.Set();

        Assert.True((await waiting.WaitAsync(Patience, ct)).Succeeded);
        Assert.Equal(4, map.Map.CountEntries());
    }

    [Fact]
    public void Writer_InvalidFlags_ThrowsBeforeQueueing()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = new(map);
        var bad = new MapWrite<uint, ulong>(MapWriteKind.Update, 1, 1, BpfMapUpdateFlags.NoExist | BpfMapUpdateFlags.Exist);

        Assert.Throws<ArgumentException>(() => channel.Writer.TryWrite(bad));
        Assert.Throws<ArgumentException>(() => MapWrite.Update<uint, ulong>(1, 1, (BpfMapUpdateFlags)64));
        Assert.Throws<ArgumentException>(() => channel.Writer.TryWrite(bad with { Kind = MapWriteKind.Delete, Flags = BpfMapUpdateFlags.Exist }));
        Assert.False(channel.Writer.TryComplete());
        Assert.Equal(0, channel.Writes);
    }

    [Fact]
    public async Task PerCpuMapChannel_AggregatedAndPerCpu_DiffAggregateAndOneCpuAndWriteEveryCpu()
    {
        using BpfPerCpuMap<uint, ulong> map = Factory.CreatePerCpuHash<uint, ulong>(16);
        int cpus = map.CpuCount;
        ulong[] values = new ulong[cpus];
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            values[cpu] = (ulong)cpu + 1;
        }

        map.Update(1, values);
        MapChannel<uint, ulong> sum = PerCpuMapChannel.Aggregated<uint, ulong>(map, Sum);
        MapChannel<uint, ulong> last = PerCpuMapChannel.ForCpu(map, cpus - 1);
        using MapChangeReader<uint, ulong> sums = sum.OpenReader();
        using MapChangeReader<uint, ulong> lasts = last.OpenReader();
        ulong total = (ulong)(cpus * (cpus + 1) / 2);
        sum.Poll();
        last.Poll();
        Assert.Equal([new MapChange<uint, ulong>(MapChangeKind.Added, 1, total, 0)], Drain(sums));
        Assert.Equal([new MapChange<uint, ulong>(MapChangeKind.Added, 1, (ulong)cpus, 0)], Drain(lasts));

        values[0] += 100;
        map.Update(1, values);
        sum.Poll();
        last.Poll();

        Assert.Equal([new MapChange<uint, ulong>(MapChangeKind.Updated, 1, total + 100, total)], Drain(sums));
        Assert.Empty(Drain(lasts));
        AssertUnchangedPollAllocatesNothing(sum, sum.Poll().Strategy);

        MapWriteOutcome<uint, ulong> written = await sum.WriteAsync(MapWrite.Update<uint, ulong>(2, 7), TestContext.Current.CancellationToken);
        Assert.True(written.Succeeded);
        Assert.All(map.Lookup(2), v => Assert.Equal(7UL, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => PerCpuMapChannel.ForCpu(map, cpus));

        static ulong Sum(ReadOnlySpan<ulong> perCpu)
        {
            ulong s = 0;
            foreach (ulong v in perCpu)
            {
                s += v;
            }

            return s;
        }
    }

    internal static void AssertUnchangedPollAllocatesNothing(MapChannel channel, BpfMapReadStrategy strategy)
    {
        // Two unchanged polls first, then the least of three measured ones: what the runtime allocates once (tiered
        // recompilation and on-stack replacement of the poll and diff loops, which a loaded machine delays by
        // seconds) lands in one poll, while anything the poll itself allocates shows in all three.
        Assert.Equal(0, channel.Poll().Changes);
        Assert.Equal(0, channel.Poll().Changes);
        long least = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            MapPollResult result = channel.Poll();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);

            Assert.True(result.Polled);
            Assert.Equal(strategy, result.Strategy);
            Assert.Equal(0, result.Changes);
        }

        Assert.Equal(0, least);
    }

    internal static List<MapChange<uint, ulong>> Drain(MapChangeReader<uint, ulong> reader)
    {
        var changes = new List<MapChange<uint, ulong>>();
        while (reader.TryRead(out MapChange<uint, ulong> change))
        {
            changes.Add(change);
        }

        return changes;
    }
}

public sealed class KernelMapChannelContractTests : MapChannelContractTests
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

public sealed class InMemoryMapChannelContractTests : MapChannelContractTests
{
    protected override BpfMapFactory Factory => BpfMapFactory.InMemory;
}
