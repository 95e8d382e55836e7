using System.Reactive.Linq;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>
/// How an <c>Observe</c> subscription's pump ends and keeps up, against the kernel and the twin: it stops when
/// unsubscribed with changes still buffered (and closes its descriptors), it is woken within a delivery larger than its
/// buffer, and nothing thrown on its thread escapes it.
/// </summary>
public abstract class ObservePumpContractTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // A pump that never stops is what these tests look for: waiting for it needs no more than a few seconds.
    private static readonly TimeSpan PumpExit = TimeSpan.FromSeconds(10);

    protected abstract BpfMapFactory Factory { get; }

    [Fact]
    public void Observe_TakeOneOverThreeEntries_PumpThreadExitsAndDescriptorsClose()
    {
        // Once uncounted: the assemblies the scenario loads the first time are open files that stay open.
        TakeOne();
        FdCount.AssertNoLeak(TakeOne);
    }

    [Fact]
    public void Observe_DisposedFromAnotherThreadWhileChangesBuffered_PumpThreadExitsAndDescriptorsClose()
    {
        DisposeWhileBuffered();
        FdCount.AssertNoLeak(DisposeWhileBuffered);
    }

    [Fact]
    public void Observe_OnePollOfMoreChangesThanTheBufferToASubscriberThatKeepsUp_NoneDropped()
    {
        const int capacity = 64;
        const int changes = 1000;
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(changes);
        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { SubscriberCapacity = capacity });
        long seen = 0;
        int filtered = 0;
        bool gaveUp = false;

        // The key filter runs on the polling thread before each change is buffered; here it paces the poll so that no
        // more than 48 changes are ever waiting, as fast a subscriber as can be. That holds only if the pump is woken
        // while the poll is still delivering: woken at its end only, it never reads, the filter gives up once, and the
        // rest of the poll overflows the buffer.
        bool Paced(uint key)
        {
            int index = Interlocked.Increment(ref filtered);
            if (!Volatile.Read(ref gaveUp)
                && !SpinWait.SpinUntil(() => Interlocked.Read(ref seen) >= index - 48, PumpExit))
            {
                Volatile.Write(ref gaveUp, true);
            }

            return true;
        }

        using IDisposable subscription = channel.Observe(Paced).Subscribe(_ => Interlocked.Increment(ref seen));
        for (uint key = 0; key < changes; key++)
        {
            map.Update(key, key + 1);
        }

        Assert.Equal(changes, channel.Poll().Changes);

        Assert.True(SpinWait.SpinUntil(() => Interlocked.Read(ref seen) == changes, Patience), $"{Interlocked.Read(ref seen)} of {changes} changes delivered");
        Assert.False(Volatile.Read(ref gaveUp), "the pump was not woken while the poll was delivering");
        Assert.Equal(0, channel.DroppedChanges);
    }

    [Fact]
    public void Observe_OnePollOfMoreChangesThanTheBufferToABlockedSubscriber_OldestDropped()
    {
        const int capacity = 64;
        const int changes = 1000;
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(changes + 1);
        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { SubscriberCapacity = capacity });
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var completed = new ManualResetEventSlim();
        var received = new List<MapChange<uint, ulong>>();
        using IDisposable subscription = channel.Observe().Subscribe(
            change =>
            {
                lock (received)
                {
                    received.Add(change);
                }

                if (change.Key == changes)
                {
                    entered.Set();
                    _ = release.Wait(Patience);
                }
            },
            completed.Set);

        // The subscriber holds its pump in its first change, then a poll delivers more than its buffer holds.
        map.Update(changes, 1);
        Assert.Equal(1, channel.Poll().Changes);
        Assert.True(entered.Wait(Patience));
        for (uint key = 0; key < changes; key++)
        {
            map.Update(key, 7);
        }

        Assert.Equal(changes, channel.Poll().Changes);
        release.Set();
        _ = channel.CompleteAsync();
        Assert.True(completed.Wait(Patience));

        // DropOldest (the default): the buffer keeps the last 64 changes of the poll and counts the others.
        Assert.Equal(changes - capacity, channel.DroppedChanges);
        lock (received)
        {
            Assert.Equal(1 + capacity, received.Count);
            Assert.All(received.Skip(1), change => Assert.Equal(7ul, change.Value));
            Assert.Equal(capacity, received.Skip(1).Select(change => change.Key).Distinct().Count());
        }
    }

    [Fact]
    public void Observe_KeyFilterThrowsOnTheListing_ObserverGetsOnErrorAndIsUnsubscribed()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        map.Update(1, 10);
        map.Update(2, 20);
        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { PollWhenUnobserved = true });
        Assert.Equal(2, channel.Poll().Changes);
        var bug = new InvalidOperationException("filter bug");
        using var ended = new ManualResetEventSlim();
        Exception? error = null;
        int calls = 0;

        // The listing is filtered on the pump's own thread, where an escaping exception would end the process.
        using IDisposable subscription = channel.Observe(_ => throw bug).Subscribe(
            _ => Interlocked.Increment(ref calls),
            ex =>
            {
                error = ex;
                ended.Set();
            },
            ended.Set);

        Assert.True(ended.Wait(Patience));
        Assert.Same(bug, error);
        Assert.Equal(0, Volatile.Read(ref calls));
        Assert.True(SpinWait.SpinUntil(() => channel.SubscriberCount == 0, Patience));
    }

    [Fact]
    public void Dispose_ListingNotReadYet_ListingDroppedAndReaderCompletes()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        for (uint key = 0; key < 3; key++)
        {
            map.Update(key, key);
        }

        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { PollWhenUnobserved = true });
        Assert.Equal(3, channel.Poll().Changes);
        MapChangeReader<uint, ulong> reader = channel.OpenReader();
        Assert.True(reader.TryRead(out _));

        reader.Dispose();

        Assert.False(reader.TryRead(out _));
        Assert.True(reader.Completion.IsCompleted);
        Assert.Equal(0, channel.SubscriberCount);
    }

    /// <summary>A channel that lists three entries to a new subscriber.</summary>
    private MapChannel<uint, ulong> ThreeEntries(BpfMap<uint, ulong> map)
    {
        for (uint key = 0; key < 3; key++)
        {
            map.Update(key, 1);
        }

        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { PollWhenUnobserved = true });
        Assert.Equal(3, channel.Poll().Changes);
        return channel;
    }

    /// <summary><c>Take(1)</c> unsubscribes from inside the first <c>OnNext</c>, with two entries of the listing unread.</summary>
    private void TakeOne()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        MapChannel<uint, ulong> channel = ThreeEntries(map);
        using var subscribed = new ManualResetEventSlim();
        using var completed = new ManualResetEventSlim();
        Thread? pump = null;
        int calls = 0;

        // The first OnNext waits for Subscribe to return, so Take's unsubscription reaches the pump within that call,
        // before the pump has read the rest of the listing (not only once it has read them all and waits).
        using IDisposable subscription = channel.Observe().Take(1).Subscribe(
            change =>
            {
                pump = Thread.CurrentThread;
                Interlocked.Increment(ref calls);
                _ = subscribed.Wait(Patience);
            },
            completed.Set);
        subscribed.Set();

        Assert.True(completed.Wait(Patience));
        AssertPumpEnded(channel, pump, Volatile.Read(ref calls));
    }

    /// <summary>Unsubscribes on this thread while the pump is in its first <c>OnNext</c>, with the listing and a poll's changes buffered.</summary>
    private void DisposeWhileBuffered()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        MapChannel<uint, ulong> channel = ThreeEntries(map);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Thread? pump = null;
        int calls = 0;
        bool ended = false;
        IDisposable subscription = channel.Observe().Subscribe(
            change =>
            {
                pump = Thread.CurrentThread;
                if (Interlocked.Increment(ref calls) == 1)
                {
                    entered.Set();
                    _ = release.Wait(Patience);
                }
            },
            _ => Volatile.Write(ref ended, true),
            () => Volatile.Write(ref ended, true));

        Assert.True(entered.Wait(Patience));
        for (uint key = 0; key < 3; key++)
        {
            map.Update(key, 2);
        }

        Assert.Equal(3, channel.Poll().Changes);

        subscription.Dispose();
        release.Set();

        AssertPumpEnded(channel, pump, Volatile.Read(ref calls));
        Assert.False(Volatile.Read(ref ended), "a completion followed the unsubscription");
    }

    /// <summary>The pump's thread has ended after one <c>OnNext</c>, and the channel has no subscriber left.</summary>
    private static void AssertPumpEnded(MapChannel<uint, ulong> channel, Thread? pump, int calls)
    {
        Assert.NotNull(pump);
        Assert.True(pump.Join(PumpExit), "the pump thread still runs after its subscription ended");
        Assert.Equal(1, calls);
        Assert.Equal(0, channel.SubscriberCount);
        channel.CompleteAsync().GetAwaiter().GetResult();
    }
}

[Collection(FdSensitiveCollection.Name)]
public sealed class KernelObservePumpContractTests : ObservePumpContractTests
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

[Collection(FdSensitiveCollection.Name)]
public sealed class InMemoryObservePumpContractTests : ObservePumpContractTests
{
    protected override BpfMapFactory Factory => BpfMapFactory.InMemory;
}
