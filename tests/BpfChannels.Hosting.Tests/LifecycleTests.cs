using System.Threading.Channels;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BpfChannels.Hosting.Tests;

/// <summary>
/// A hosted channel follows its kernel map's whole life: a pin that appears late, a pin replaced by another map, a
/// map that goes away and comes back. Each test asserts the changes delivered, the re-list signal and health.
/// </summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task StartAsync_PinMissing_WaitsDegradedThenListsAndAppliesQueuedWrites()
    {
        BpfTestEnvironment.RequireBpfFs();
        string pin = UniquePin();
        try
        {
            await using HostFixture fx = PinnedHost(pin, "late");
            await fx.StartAsync();
            HostedMapChannel hosted = Assert.Single(fx.Registry.Open());
            MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("late");
            ChannelReader<MapChange<uint, ulong>> changes = Collect(channel);
            Assert.False(channel.HasMap);
            Task<MapWriteOutcome<uint, ulong>> queued = channel.WriteAsync(MapWrite.Update<uint, ulong>(3, 30), TestContext.Current.CancellationToken);

            (HealthStatus status, string data) = await HealthAsync(fx, "late");
            Assert.Equal(HealthStatus.Degraded, status);
            Assert.Equal($"waiting for its map: pin {pin} does not exist (0 looks so far)", data);

            fx.Time.Advance(Second);
            await TestExtensions.UntilAsync(() => hosted.Read().Attempts == 1, "the first look after start-up failed");
            Assert.Equal($"waiting for its map: pin {pin} does not exist (1 looks so far)", (await HealthAsync(fx, "late")).Data);
            Assert.False(queued.IsCompleted);

            using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16, name: "late");
            map.Update(1, 10);
            map.Update(2, 20);
            map.Map.Pin(pin);
            fx.Time.Advance(2 * Second); // the backoff after one failed look

            // The write queued while there was no map lands in it; the first or the next poll lists it.
            Assert.True((await queued.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken)).Succeeded);
            Assert.Equal(30UL, map[3]);
            fx.Time.Advance(Second);
            Assert.Equal([Added(1, 10), Added(2, 20), Added(3, 30)], await changes.NextAsync(3));

            Assert.Equal(map.Map.Id, channel.Map.Id);
            Assert.Equal(0, channel.Relists); // a first map is a listing, not a re-list
            (status, data) = await HealthAsync(fx, "late");
            Assert.Equal(HealthStatus.Healthy, status);
            Assert.Equal($"polling: map {map.Map.Id} from {pin}, 1 subscriber(s)", data);
        }
        finally
        {
            BpfMap.Unpin(pin);
        }
    }

    [Fact]
    public async Task PinCheck_PinNamesAnotherMap_RelistsDifferencesAndSignals()
    {
        BpfTestEnvironment.RequireBpfFs();
        string pin = UniquePin();
        try
        {
            using BpfMap<uint, ulong> first = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16, name: "first");
            first.Update(1, 10);
            first.Update(2, 20);
            first.Update(3, 30);
            first.Map.Pin(pin);
            await using HostFixture fx = PinnedHost(pin, "moving");
            await fx.StartAsync();
            MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("moving");
            var relists = Channel.CreateUnbounded<MapChannelRelistedEventArgs>();
            channel.Relisted += (_, e) => relists.Writer.TryWrite(e);
            ChannelReader<MapChange<uint, ulong>> changes = Collect(channel);
            fx.Time.Advance(Second);
            Assert.Equal([Added(1, 10), Added(2, 20), Added(3, 30)], await changes.NextAsync(3));
            Assert.Equal((HealthStatus.Healthy, $"polling: map {first.Map.Id} from {pin}, 1 subscriber(s)"), await HealthAsync(fx, "moving"));

            // The producer restarts: its pin goes away for a while. The channel keeps the map it has, and says so.
            Assert.True(BpfMap.Unpin(pin));
            fx.Time.Advance(5 * Second);
            await TestExtensions.UntilAsync(() => fx.Registry.Open()[0].Read().PinNote is not null, "the pin check saw the pin gone");
            Assert.Equal(
                (HealthStatus.Degraded, $"pin changed: pin {pin} does not exist; still reading map {first.Map.Id}, which it named"),
                await HealthAsync(fx, "moving"));

            // It comes back naming a new map: the channel re-lists.
            using BpfMap<uint, ulong> second = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16, name: "second");
            second.Update(1, 10);
            second.Update(2, 21);
            second.Update(4, 40);
            second.Map.Pin(pin);
            fx.Time.Advance(5 * Second);

            Assert.Equal([Updated(2, 21, 20), Removed(3, 30), Added(4, 40)], await changes.NextAsync(3));
            MapChannelRelistedEventArgs relisted = await relists.Reader.NextAsync();
            Assert.Equal((first.Map.Id, second.Map.Id, 3, 3), (relisted.PreviousMapId, relisted.MapId, relisted.Changes, relisted.Entries));
            Assert.Equal(1, channel.Relists);
            Assert.Equal(second.Map.Id, channel.Map.Id);
            Assert.Equal((HealthStatus.Healthy, $"polling: map {second.Map.Id} from {pin}, 1 subscriber(s)"), await HealthAsync(fx, "moving"));
            Assert.Contains(fx.Logs.Entries, e => e.Id.Id == 8 && e.Message.Contains($"map {first.Map.Id} replaced by map {second.Map.Id}, 3 changes"));
        }
        finally
        {
            BpfMap.Unpin(pin);
        }
    }

    [Fact]
    public async Task Poll_MapDisposedThenBack_HealthDegradedUnhealthyHealthyAndRelists()
    {
        BpfTestEnvironment.RequireBpf();
        BpfMap<uint, ulong> current = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16, name: "gone");
        using BpfMap<uint, ulong> first = current;
        first.Update(1, 10);
        first.Update(2, 20);
        uint firstId = first.Map.Id;
        await using var fx = new HostFixture(o =>
        {
            o.DefaultPollInterval = Second;
            o.MaxRetryDelay = Second;
            o.UnhealthyAfterFailures = 2;
        });
        fx.Channels.Services.AddHealthChecks().AddBpfChannels();
        fx.Channels.AddMapChannel<uint, ulong>("gone").AddMapSource((_, name) => name == "gone" ? Volatile.Read(ref current).Map : null);
        await fx.StartAsync();
        HostedMapChannel hosted = Assert.Single(fx.Registry.Open());
        MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("gone");
        var relists = Channel.CreateUnbounded<MapChannelRelistedEventArgs>();
        channel.Relisted += (_, e) => relists.Writer.TryWrite(e);
        ChannelReader<MapChange<uint, ulong>> changes = Collect(channel);
        fx.Time.Advance(Second);
        Assert.Equal([Added(1, 10), Added(2, 20)], await changes.NextAsync(2));
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(fx, "gone")).Status);

        first.Dispose();
        fx.Time.Advance(Second);
        await TestExtensions.UntilAsync(() => hosted.Read() is { Phase: HostedMapChannelPhase.Reopening, Attempts: 1 }, "the first attempt to reopen failed");
        Assert.Equal(
            (HealthStatus.Degraded, "reopening: the map source's map 'gone' is disposed; 1 attempts to reopen it from its source failed"),
            await HealthAsync(fx, "gone"));

        fx.Time.Advance(Second);
        await TestExtensions.UntilAsync(() => hosted.Read().Attempts == 2, "the second attempt to reopen failed");
        Assert.Equal(
            (HealthStatus.Unhealthy, "reopening: the map source's map 'gone' is disposed; 2 attempts to reopen it from its source failed"),
            await HealthAsync(fx, "gone"));
        Assert.True(channel.TryGet(2, out ulong cached)); // the last state survives the map
        Assert.Equal(20UL, cached);

        using BpfMap<uint, ulong> second = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16, name: "gone");
        second.Update(1, 11);
        second.Update(5, 50);
        Volatile.Write(ref current, second);
        fx.Time.Advance(Second);

        Assert.Equal([Updated(1, 11, 10), Removed(2, 20), Added(5, 50)], await changes.NextAsync(3));
        MapChannelRelistedEventArgs relisted = await relists.Reader.NextAsync();
        Assert.Equal((firstId, second.Map.Id, 3, 2), (relisted.PreviousMapId, relisted.MapId, relisted.Changes, relisted.Entries));
        Assert.Equal((HealthStatus.Healthy, $"polling: map {second.Map.Id} from a map source, 1 subscriber(s)"), await HealthAsync(fx, "gone"));
    }

    private static HostFixture PinnedHost(string pin, string name)
    {
        var fx = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:DefaultPollInterval"] = "00:00:01",
            ["BpfChannels:MaxRetryDelay"] = "00:00:04",
            ["BpfChannels:PinCheckInterval"] = "00:00:05",
            [$"BpfChannels:Maps:{name}:PinPath"] = pin,
        });
        fx.Channels.Services.AddHealthChecks().AddBpfChannels();
        fx.Channels.AddMapChannel<uint, ulong>(name);
        return fx;
    }

    private static string UniquePin() => Path.Combine(BpfSystem.DefaultBpfFsPath, $"bpfchannels_life_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40]);

    private static async Task<(HealthStatus Status, string Data)> HealthAsync(HostFixture fx, string name)
    {
        HealthReport report = await fx.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        HealthReportEntry entry = report.Entries["bpfchannels"];
        return (entry.Status, (string)entry.Data[name]);
    }

    private static ChannelReader<MapChange<uint, ulong>> Collect(MapChannel<uint, ulong> channel)
    {
        var changes = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        IDisposable subscription = channel.Observe().Subscribe(change => changes.Writer.TryWrite(change));
        TestContext.Current.CancellationToken.Register(subscription.Dispose);
        return changes.Reader;
    }

    private static MapChange<uint, ulong> Added(uint key, ulong value) => new(MapChangeKind.Added, key, value, 0);

    private static MapChange<uint, ulong> Updated(uint key, ulong value, ulong previous) => new(MapChangeKind.Updated, key, value, previous);

    private static MapChange<uint, ulong> Removed(uint key, ulong previous) => new(MapChangeKind.Removed, key, 0, previous);
}
