using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BpfChannels.Hosting.Tests;

public sealed class HealthAndMetricsTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task CheckHealthAsync_PollsSucceedFailOrStall_ReportsHealthyUnhealthyDegraded()
    {
        await using var fx = new HostFixture(o =>
        {
            o.DefaultPollInterval = Second;
            o.StaleAfterIntervals = 3;
        });
        fx.Channels.Services.AddHealthChecks().AddBpfChannels();
        BpfMap<uint, ulong> failing = BpfMapFactory.InMemory.CreateHash<uint, ulong>(8);
        using BpfMap<uint, ulong> healthy = BpfMapFactory.InMemory.CreateHash<uint, ulong>(8);
        fx.Channels
            .AddMapChannel<uint, ulong>("failing", _ => failing, o => o.Channel.PollWhenUnobserved = true)
            .AddMapChannel<uint, ulong>("healthy", _ => healthy, o => o.Channel.PollWhenUnobserved = true);
        await fx.StartAsync();
        HealthCheckService health = fx.Services.GetRequiredService<HealthCheckService>();
        ChannelReader<Exception?>[] polls = Array.ConvertAll(fx.Registry.Open(), s => s.WatchPolls());
        CancellationToken ct = TestContext.Current.CancellationToken;

        fx.Time.Advance(Second);
        Assert.Null(await polls[0].NextAsync());
        Assert.Null(await polls[1].NextAsync());
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(ct)).Status);

        failing.Dispose();
        fx.Time.Advance(Second);
        Assert.NotNull(await polls[0].NextAsync());
        Assert.Null(await polls[1].NextAsync());
        HealthReportEntry entry = (await health.CheckHealthAsync(ct)).Entries["bpfchannels"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("failing", entry.Description);
        Assert.DoesNotContain("healthy", entry.Description);
        Assert.StartsWith("failing: 1 polls", (string)entry.Data["failing"]);
        Assert.Equal("polling", entry.Data["healthy"]);
    }

    [Fact]
    public async Task CheckHealthAsync_ObservedChannelNotPolled_ReportsDegradedAfterStaleIntervals()
    {
        await using var fx = new HostFixture(o =>
        {
            o.DefaultPollInterval = Second;
            o.StaleAfterIntervals = 3;
        });
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(8);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map);
        var check = fx.Services.GetRequiredService<BpfChannelsHealthCheck>();
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("bpfchannels", check, HealthStatus.Unhealthy, null) };
        CancellationToken ct = TestContext.Current.CancellationToken;

        // Without the hosted service nothing polls: idle is healthy, observed-but-unpolled goes stale.
        MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("counts");
        fx.Time.Advance(TimeSpan.FromSeconds(3));
        using MapChangeReader<uint, ulong> early = channel.OpenReader();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, ct)).Status);
        early.Dispose();
        fx.Time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, ct)).Status);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        HealthCheckResult result = await check.CheckHealthAsync(context, ct);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("counts", result.Description);
    }

    [Fact]
    public async Task Meter_PollsAndWrites_RecordsEveryInstrument()
    {
        await using var fx = new HostFixture(o => o.DefaultPollInterval = Second);
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(2);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map, o => o.Channel.SubscriberCapacity = 1);
        await fx.StartAsync();
        Meter meter = fx.Services.GetRequiredService<BpfChannelsMetrics>().Meter;
        var totals = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, 1, tags));
        listener.Start();
        MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("counts");
        using MapChangeReader<uint, ulong> stalled = channel.OpenReader();
        ChannelReader<Exception?> polls = Assert.Single(fx.Registry.Open()).WatchPolls();
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.True((await channel.WriteAsync(MapWrite.Update<uint, ulong>(1, 1), ct)).Succeeded);
        Assert.True((await channel.WriteAsync(MapWrite.Update<uint, ulong>(2, 2), ct)).Succeeded);
        Assert.False((await channel.WriteAsync(MapWrite.Update<uint, ulong>(3, 3), ct)).Succeeded);

        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync());
        listener.RecordObservableInstruments();

        lock (totals)
        {
            Assert.Equal(1, totals["bpfchannels.polls"]);
            Assert.Equal(1, totals["bpfchannels.poll.duration"]);
            Assert.Equal(2, totals["bpfchannels.changes"]);
            Assert.Equal(3, totals["bpfchannels.writes"]);
            Assert.Equal(1, totals["bpfchannels.write.failures"]);
            Assert.Equal(1, totals["bpfchannels.drops"]);
        }

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                Assert.Equal(("bpf.map.name", (object?)"counts"), (tag.Key, tag.Value));
            }

            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        }
    }
}
