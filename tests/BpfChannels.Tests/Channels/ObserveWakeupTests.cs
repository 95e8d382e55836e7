using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>Observe's pumps are woken once per delivery that holds a change for them, and leave no descriptor behind.</summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class ObserveWakeupTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Observe_ManyChangesInOnePollThenDispose_EveryChangeDeliveredAndDescriptorsClosed()
    {
        // Once uncounted: the assemblies the scenario loads the first time are open files that stay open.
        _ = ManyChanges();
        (int[] seen, ulong[] last) = ([], []);
        FdCount.AssertNoLeak(() => (seen, last) = ManyChanges());

        Assert.All(seen, n => Assert.Equal(3000, n));
        Assert.All(last, v => Assert.Equal(3ul, v));
    }

    [Fact]
    public void Observe_ObserverThrows_ItsDescriptorsClose()
    {
        _ = ThrowingObserver();
        int calls = 0;
        FdCount.AssertNoLeak(() => calls = ThrowingObserver());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Observe_OneChangePerPollRacingThePump_NoChangeWaitsForALaterOne()
    {
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16);
        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { SubscriberCapacity = 1 << 16 });
        long seen = 0;
        using IDisposable subscription = channel.Observe().Subscribe(_ => Interlocked.Increment(ref seen));

        // Bursts of polls of one change each, then nothing until the burst is delivered: the burst's last change lands
        // while the pump is still busy with the ones before it, at every point of its way back to waiting. A wake-up
        // lost between the pump's last look and its wait would leave that change undelivered, with no poll to follow.
        ulong value = 0;
        for (int burst = 0; burst < 400; burst++)
        {
            for (int i = 0; i <= burst % 16; i++)
            {
                map.Update(1, ++value);
                Assert.Equal(1, channel.Poll().Changes);
            }

            long expected = (long)value;
            Assert.True(SpinWait.SpinUntil(() => Interlocked.Read(ref seen) >= expected, Patience), $"change {expected} was not delivered without a later poll");
        }

        Assert.Equal((long)value, Interlocked.Read(ref seen));
        await channel.CompleteAsync();
    }

    [Fact]
    public async Task Observe_PollsChangeOnlyAnotherObserversKey_ItsPumpIsNeverWoken()
    {
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16);
        var channel = new MapChannel<uint, ulong>(map);
        long seen = 0;
        using IDisposable watched = channel.Observe(1u).Subscribe(_ => Interlocked.Increment(ref seen));
        using IDisposable other = channel.Observe(2u).Subscribe(_ => throw new InvalidOperationException("key 2 never changes"));
        const int Polls = 50;
        for (int i = 1; i <= Polls; i++)
        {
            map.Update(1, (ulong)i);
            Assert.Equal(1, channel.Poll().Changes);
            WaitUntil(() => Interlocked.Read(ref seen) >= i, $"change {i} of key 1");
        }

        // The watched pump is woken at most once per poll (not at all when it had not gone back to waiting yet); the
        // other one's filter took none of the changes, so a wake-up for it would be a thread woken for nothing.
        long[] wakeups = channel.PumpWakeups();
        Assert.Equal(2, wakeups.Length);
        Assert.InRange(wakeups[0], 1, Polls);
        Assert.Equal(0, wakeups[1]);
        Assert.Equal(2, channel.SubscriberCount); // the other observer was never called, so it did not throw
        await channel.CompleteAsync();
    }

    /// <summary>Three observers, three polls of 1,000 changes each, then every subscription disposed.</summary>
    private static (int[] Seen, ulong[] Last) ManyChanges()
    {
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(4096);
        var channel = new MapChannel<uint, ulong>(map, new MapChannelOptions { SubscriberCapacity = 4096 });
        var seen = new int[3];
        var last = new ulong[3];
        var subscriptions = new IDisposable[3];
        for (int s = 0; s < subscriptions.Length; s++)
        {
            int index = s;
            subscriptions[s] = channel.Observe().Subscribe(change =>
            {
                last[index] = change.Value;
                Interlocked.Increment(ref seen[index]);
            });
        }

        // Each pump is woken after a poll, not once per change, and none may sleep through a poll's changes.
        for (uint round = 1; round <= 3; round++)
        {
            for (uint key = 0; key < 1000; key++)
            {
                map.Update(key, round);
            }

            Assert.Equal(1000, channel.Poll().Changes);
            int expected = (int)round * 1000;
            WaitUntil(() => AllReached(seen, expected), $"{expected} changes to every observer");
        }

        foreach (IDisposable subscription in subscriptions)
        {
            subscription.Dispose();
        }

        channel.CompleteAsync().GetAwaiter().GetResult();
        return (seen, last);
    }

    /// <summary>An observer that throws at its first change; returns how often it was called.</summary>
    private static int ThrowingObserver()
    {
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16);
        var channel = new MapChannel<uint, ulong>(map);
        int calls = 0;
        using IDisposable subscription = channel.Observe().Subscribe(_ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("observer bug");
        });

        map.Update(1, 1);
        Assert.Equal(1, channel.Poll().Changes);
        WaitUntil(() => channel.SubscriberCount == 0, "the throwing observer to be unsubscribed");
        channel.CompleteAsync().GetAwaiter().GetResult();
        return Volatile.Read(ref calls);
    }

    private static bool AllReached(int[] counts, int expected)
    {
        for (int i = 0; i < counts.Length; i++)
        {
            if (Volatile.Read(ref counts[i]) < expected)
            {
                return false;
            }
        }

        return true;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Sleep(5);
        }
    }
}
