using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace BpfChannels.Hosting.Tests;

public sealed class PollingServiceTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Poll_IntervalElapsed_DeliversEveryChangeKind()
    {
        await using var fx = new HostFixture(o => o.DefaultPollInterval = Second);
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(64);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map);
        await fx.StartAsync();
        MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("counts");
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        map.Update(1, 10);

        fx.Time.Advance(Second - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, channel.Polls);
        fx.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 1, 10, 0), await reader.NextAsync());

        map.Update(1, 11);
        fx.Time.Advance(Second);
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 1, 11, 10), await reader.NextAsync());

        map.Delete(1);
        fx.Time.Advance(Second);
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Removed, 1, 0, 11), await reader.NextAsync());
    }

    [Fact]
    public async Task Poll_NobodySubscribed_DoesNotReadTheMap()
    {
        await using var fx = new HostFixture(o => o.DefaultPollInterval = Second);
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(64);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map);
        await fx.StartAsync();
        HostedMapChannel state = Assert.Single(fx.Registry.Open());
        ChannelReader<Exception?> polls = state.WatchPolls();

        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync());

        Assert.Equal(0, state.Channel.Polls);
    }

    [Fact]
    public async Task Poll_MapDisposed_ReopensWithBackoffAndCacheSurvives()
    {
        await using var fx = new HostFixture(o =>
        {
            o.DefaultPollInterval = Second;
            o.MaxRetryDelay = TimeSpan.FromSeconds(4);
        });
        BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(64);
        int asked = 0;
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => { asked++; return map; }, o => o.Channel.PollWhenUnobserved = true);
        await fx.StartAsync();
        HostedMapChannel state = Assert.Single(fx.Registry.Open());
        var channel = (MapChannel<uint, ulong>)state.Channel;
        ChannelReader<Exception?> polls = state.WatchPolls();
        map.Update(1, 10);
        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync());

        // Gone: the factory is asked again at once, then after 2 s and 4 s (the cap), each time for a disposed map.
        map.Dispose();
        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync()); // finds the map gone
        Assert.Null(await polls.NextAsync()); // asks the factory at once
        Assert.Equal((HostedMapChannelPhase.Reopening, 1), (state.Read().Phase, state.Read().Attempts));
        fx.Time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.False(polls.TryRead(out _));
        fx.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await polls.NextAsync());
        fx.Time.Advance(TimeSpan.FromSeconds(4) - TimeSpan.FromMilliseconds(1));
        Assert.False(polls.TryRead(out _));
        fx.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await polls.NextAsync());

        Assert.True(channel.TryGet(1, out ulong cached));
        Assert.Equal(10UL, cached);
        Assert.Equal(3, state.Read().Attempts);
        Assert.Equal(4, asked);
        Assert.Equal(1, fx.Logs.Entries.Count(e => e.Id.Id == 7 && e.Message.Contains("'counts'") && e.Message.Contains("disposed")));
        Assert.Equal(3, fx.Logs.Entries.Count(e => e.Id.Id == 6 && e.Message.Contains("'counts'") && e.Message.Contains("returned a disposed map")));
    }

    [Fact]
    public async Task Poll_MapFails_LogsRetriesWithBackoff()
    {
        await using var fx = new HostFixture(o =>
        {
            o.DefaultPollInterval = Second;
            o.MaxRetryDelay = TimeSpan.FromSeconds(4);
        });
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(64);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map, o => o.Channel.PollWhenUnobserved = true);
        await fx.StartAsync();
        HostedMapChannel state = Assert.Single(fx.Registry.Open());
        ChannelReader<Exception?> polls = state.WatchPolls();

        // A read the strategy cannot do (a hash map is not memory-mappable) fails every poll, with the map still there.
        state.Channel.Reconfigure(new MapChannelOptions { PollWhenUnobserved = true, ReadStrategy = BpfMapReadStrategy.MemoryMapped });
        fx.Time.Advance(Second);
        Exception first = Assert.IsAssignableFrom<Exception>(await polls.NextAsync());
        fx.Time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.False(polls.TryRead(out _));
        fx.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await polls.NextAsync());
        fx.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.NotNull(await polls.NextAsync());

        Assert.Equal((HostedMapChannelPhase.Failing, 3), (state.Read().Phase, state.Read().Attempts));
        Assert.Equal(3, fx.Logs.Entries.Count(e => e.Id.Id == 1 && e.Level == LogLevel.Warning && e.Message.Contains("'counts'") && e.Exception?.GetType() == first.GetType()));

        // Fixed: the next poll succeeds and the recovery is logged.
        state.Channel.Reconfigure(new MapChannelOptions { PollWhenUnobserved = true });
        fx.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(await polls.NextAsync());
        Assert.Equal(HostedMapChannelPhase.Polling, state.Read().Phase);
        Assert.Contains(fx.Logs.Entries, e => e.Id.Id == 2 && e.Message.Contains("3 failed polls"));
    }

    [Fact]
    public void Backoff_RepeatedFailures_DoublesUpToTheMaximum()
    {
        TimeSpan max = TimeSpan.FromSeconds(30);

        Assert.Equal(TimeSpan.FromSeconds(2), BpfChannelsPollingService.Backoff(Second, 1, max));
        Assert.Equal(TimeSpan.FromSeconds(16), BpfChannelsPollingService.Backoff(Second, 4, max));
        Assert.Equal(max, BpfChannelsPollingService.Backoff(Second, 5, max));
        Assert.Equal(max, BpfChannelsPollingService.Backoff(Second, 1_000, max));
        Assert.Equal(TimeSpan.FromMinutes(2), BpfChannelsPollingService.Backoff(TimeSpan.FromMinutes(2), 3, max));

        // Long intervals and many failures stay at the cap instead of overflowing TimeSpan.
        Assert.Equal(TimeSpan.FromDays(1), BpfChannelsPollingService.Backoff(TimeSpan.FromHours(1), 40, TimeSpan.FromDays(1)));
        Assert.Equal(TimeSpan.FromHours(8), BpfChannelsPollingService.Backoff(TimeSpan.FromHours(1), 3, TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task StopAsync_Running_CompletesStreamsAndAppliesQueuedWrites()
    {
        await using var fx = new HostFixture(o => o.DefaultPollInterval = Second);
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(64);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map);
        await fx.StartAsync();
        MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("counts");
        MapChangeReader<uint, ulong> reader = channel.OpenReader();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable observer = channel.Observe().Subscribe(_ => { }, () => completed.TrySetResult());
        for (uint i = 0; i < 3; i++)
        {
            Assert.True(channel.Writer.TryWrite(MapWrite.Update<uint, ulong>(i, i)));
        }

        await fx.StopAsync();

        await reader.Completion.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        await completed.Task.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        Assert.True(channel.IsCompleted);
        Assert.Equal(3, channel.Writes);
        Assert.Equal(3, map.Map.CountEntries());
        Assert.Contains(fx.Logs.Entries, e => e.Id.Id == 5);
    }
}
