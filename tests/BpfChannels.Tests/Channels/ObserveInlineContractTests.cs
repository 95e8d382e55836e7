using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>
/// MapChannel{TKey,TValue}.ObserveInline: an Rx observer called on the channel's own thread, with no buffer and no
/// thread, against the kernel and the in-memory twin.
/// </summary>
public abstract class ObserveInlineContractTests
{
    protected abstract BpfMapFactory Factory { get; }

    [Fact]
    public async Task ObserveInline_ExistingEntries_ListedBeforeSubscribeReturnsThenChangesOnThePollingThread()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        map.Update(2, 20);
        MapChannel<uint, ulong> channel = Polled(map);
        var seen = new List<MapChange<uint, ulong>>();
        var threads = new HashSet<int>();
        bool completed = false;

        using IDisposable subscription = channel.ObserveInline().Subscribe(
            change =>
            {
                seen.Add(change);
                threads.Add(Environment.CurrentManagedThreadId);
            },
            () => completed = true);

        Assert.Equal([new(MapChangeKind.Added, 1, 10, 0), new(MapChangeKind.Added, 2, 20, 0)], seen.OrderBy(c => c.Key));
        seen.Clear();
        map.Update(2, 21);
        map.Delete(1);
        map.Update(3, 30);
        Assert.Equal(3, channel.Poll().Changes);
        Assert.Equal(
            [new(MapChangeKind.Added, 3, 30, 0), new(MapChangeKind.Updated, 2, 21, 20), new(MapChangeKind.Removed, 1, 0, 10)],
            seen.OrderBy(c => c.Kind));
        Assert.Equal(Environment.CurrentManagedThreadId, Assert.Single(threads)); // no thread of its own

        Assert.False(completed);
        await channel.CompleteAsync();
        Assert.True(completed);
    }

    [Fact]
    public void ObserveInline_KeyFilter_DeliversOnlyTheKeysItTakes()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        map.Update(2, 20);
        MapChannel<uint, ulong> channel = Polled(map);
        var seen = new List<MapChange<uint, ulong>>();

        using IDisposable subscription = channel.ObserveInline(2u).Subscribe(seen.Add);
        map.Update(1, 11);
        map.Update(2, 22);
        Assert.Equal(2, channel.Poll().Changes);

        Assert.Equal([new(MapChangeKind.Added, 2, 20, 0), new(MapChangeKind.Updated, 2, 22, 20)], seen);
    }

    [Fact]
    public void ObserveInline_ObserverThrows_UnsubscribedWithoutOnErrorWhileOthersGoOn()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        Exception? reported = null;
        var healthy = new List<MapChange<uint, ulong>>();
        using IDisposable failing = channel.ObserveInline().Subscribe(_ => throw new InvalidOperationException("observer bug"), e => reported = e);
        using IDisposable other = channel.ObserveInline().Subscribe(healthy.Add);

        map.Update(1, 10);
        Assert.Equal(1, channel.Poll().Changes);
        map.Update(2, 20);
        Assert.Equal(1, channel.Poll().Changes);

        Assert.Equal(1, channel.SubscriberCount);
        Assert.Null(reported); // its own exception is not handed back to it
        Assert.Equal([new(MapChangeKind.Added, 1, 10, 0), new(MapChangeKind.Added, 2, 20, 0)], healthy);
    }

    [Fact]
    public void ObserveInline_ObserverThrowsDuringListing_NotSubscribedAndTheExceptionLeavesSubscribe()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        map.Update(1, 10);
        MapChannel<uint, ulong> channel = Polled(map);

        Assert.Throws<InvalidOperationException>(() => channel.ObserveInline().Subscribe(_ => throw new InvalidOperationException("observer bug")));
        Assert.Equal(0, channel.SubscriberCount);
    }

    [Fact]
    public void ObserveInline_KeyFilterThrowsOnAChange_StreamEndsWithItAsOnError()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        Exception? reported = null;
        using IDisposable subscription = channel.ObserveInline(key => key < 5 ? true : throw new ArgumentOutOfRangeException(nameof(key)))
            .Subscribe(_ => { }, e => reported = e);

        map.Update(1, 10);
        Assert.Equal(1, channel.Poll().Changes);
        Assert.Null(reported);
        map.Update(7, 70);
        Assert.Equal(1, channel.Poll().Changes);

        Assert.IsType<ArgumentOutOfRangeException>(reported);
        Assert.Equal(0, channel.SubscriberCount);
    }

    [Fact]
    public void ObserveInline_KeyFilterThrowsWithNoOnError_PollDeliversEveryChangeToTheOthers()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        var healthy = new List<MapChange<uint, ulong>>();

        // Rx's default OnError rethrows: the stream's end must not reach the poll, nor the subscribers after this one.
        using IDisposable failing = channel.ObserveInline(key => key < 5 ? true : throw new ArgumentOutOfRangeException(nameof(key))).Subscribe(_ => { });
        using IDisposable other = channel.ObserveInline().Subscribe(healthy.Add);
        for (uint key = 0; key < 10; key++)
        {
            map.Update(key, key * 10);
        }

        Assert.Equal(10, channel.Poll().Changes);
        Assert.Equal(10, healthy.Count);
        Assert.Equal(1, channel.SubscriberCount);
        Assert.Equal(0, channel.Poll().Changes); // the state moved on: nothing is delivered twice
        Assert.Equal(10, healthy.Count);
    }

    [Fact]
    public async Task CompleteAsync_InlineObserverRethrowsTheError_OtherSubscribersStillComplete()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        using IDisposable rethrows = channel.ObserveInline().Subscribe(_ => { }); // OnError rethrows
        using IDisposable throwsOnCompleted = channel.ObserveInline().Subscribe(_ => { }, () => throw new InvalidOperationException("completion bug"));
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();

        var error = new TimeoutException("the map went away");
        await channel.CompleteAsync(error);

        Exception completion = await Assert.ThrowsAsync<TimeoutException>(() => reader.Completion);
        Assert.Same(error, completion);
    }

    [Fact]
    public async Task CompleteAsync_InlineObserverThrowsFromOnCompleted_OtherSubscribersStillComplete()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        using IDisposable throwsOnCompleted = channel.ObserveInline().Subscribe(_ => { }, () => throw new InvalidOperationException("completion bug"));
        bool completed = false;
        using IDisposable after = channel.ObserveInline().Subscribe(_ => { }, () => completed = true);

        await channel.CompleteAsync();

        Assert.True(completed);
    }

    [Fact]
    public async Task ObserveInline_Disposed_HearsNothingMoreNotEvenTheCompletion()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        int calls = 0;
        IDisposable subscription = channel.ObserveInline().Subscribe(_ => calls++, () => calls += 100);

        map.Update(1, 10);
        Assert.Equal(1, channel.Poll().Changes);
        subscription.Dispose();
        map.Update(2, 20);
        Assert.Equal(1, channel.Poll().Changes);
        await channel.CompleteAsync();

        Assert.Equal(1, calls);
        Assert.Equal(0, channel.SubscriberCount);
    }

    [Fact]
    public async Task ObserveInline_ChannelCompletesWithAnError_OnErrorWithIt()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(64);
        MapChannel<uint, ulong> channel = Polled(map);
        Exception? reported = null;
        using IDisposable subscription = channel.ObserveInline().Subscribe(_ => { }, e => reported = e);

        var error = new InvalidOperationException("the map went away");
        await channel.CompleteAsync(error);

        Assert.Same(error, reported);
    }

    [Fact]
    public void ObserveInline_ChangedPolls_AllocateNothingPerChange()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(1024);
        for (uint i = 0; i < 1000; i++)
        {
            map.Update(i, i);
        }

        MapChannel<uint, ulong> channel = Polled(map);
        long count = 0;
        using IDisposable subscription = channel.ObserveInline().Subscribe(_ => count++);
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

        Assert.Equal(6000, count); // the listing and five polls of 1000 changes
        Assert.True(least < 1000, $"a poll of 1000 changes to an inline observer allocated {least} bytes");
    }

    private static MapChannel<uint, ulong> Polled(BpfMap<uint, ulong> map) => InlineHandlerContractTests.Polled(map);
}

public sealed class KernelObserveInlineContractTests : ObserveInlineContractTests
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

public sealed class InMemoryObserveInlineContractTests : ObserveInlineContractTests
{
    protected override BpfMapFactory Factory => BpfMapFactory.InMemory;
}
