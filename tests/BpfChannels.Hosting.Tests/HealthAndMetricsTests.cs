using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BpfChannels.Hosting.Tests;

public sealed class HealthAndMetricsTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task CheckHealthAsync_MapGoneThenBack_ReportsHealthyDegradedUnhealthyHealthy()
    {
        await using var fx = new HostFixture(o =>
        {
            o.DefaultPollInterval = Second;
            o.MaxRetryDelay = Second;
            o.UnhealthyAfterFailures = 2;
        });
        fx.Channels.Services.AddHealthChecks().AddBpfChannels();
        BpfMap<uint, ulong> current = BpfMapFactory.InMemory.CreateHash<uint, ulong>(8);
        using BpfMap<uint, ulong> healthy = BpfMapFactory.InMemory.CreateHash<uint, ulong>(8);
        fx.Channels
            .AddMapChannel<uint, ulong>("moving", _ => current, o => o.Channel.PollWhenUnobserved = true)
            .AddMapChannel<uint, ulong>("healthy", _ => healthy);
        await fx.StartAsync();
        HealthCheckService health = fx.Services.GetRequiredService<HealthCheckService>();
        ChannelReader<Exception?> polls = fx.Registry.Open()[0].WatchPolls();
        CancellationToken ct = TestContext.Current.CancellationToken;

        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync());
        HealthReportEntry entry = (await health.CheckHealthAsync(ct)).Entries["bpfchannels"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("2 map channel(s): idle (no subscribers): healthy; polling: moving.", entry.Description);
        Assert.StartsWith("polling: map ", (string)entry.Data["moving"]);
        Assert.StartsWith("idle (no subscribers): map ", (string)entry.Data["healthy"]);

        // Gone: degraded while the first attempts to reopen it fail...
        current.Dispose();
        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync());
        Assert.Null(await polls.NextAsync());
        entry = (await health.CheckHealthAsync(ct)).Entries["bpfchannels"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("2 map channel(s): idle (no subscribers): healthy; reopening: moving.", entry.Description);
        Assert.Equal("reopening: its map factory returned a disposed map; 1 attempts to reopen it from its source failed", entry.Data["moving"]);

        // ...unhealthy once UnhealthyAfterFailures attempts have failed...
        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync());
        entry = (await health.CheckHealthAsync(ct)).Entries["bpfchannels"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("reopening: its map factory returned a disposed map; 2 attempts to reopen it from its source failed", entry.Data["moving"]);

        // ...and healthy again when the factory has a live map.
        current = BpfMapFactory.InMemory.CreateHash<uint, ulong>(8);
        fx.Time.Advance(Second);
        Assert.Null(await polls.NextAsync());
        entry = (await health.CheckHealthAsync(ct)).Entries["bpfchannels"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.StartsWith("polling: map ", (string)entry.Data["moving"]);
        current.Dispose();
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
    public async Task Meter_PollsAndWrites_RecordsEveryInstrumentOnTheFactoryMeter()
    {
        await using var fx = new HostFixture(o => o.DefaultPollInterval = Second);
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(2);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map, o => o.Channel.SubscriberCapacity = 1);
        await fx.StartAsync();
        Meter meter = fx.Services.GetRequiredService<BpfChannelsMetrics>().Meter;
        Assert.Same(meter, fx.Services.GetRequiredService<IMeterFactory>().Create(new MeterOptions("BpfChannels")));
        var totals = new Dictionary<string, double>();
        var instruments = new Dictionary<string, Instrument>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                lock (totals)
                {
                    instruments[instrument.Name] = instrument;
                }

                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
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
            Assert.Equal(1, totals["bpfchannels.subscribers"]);
            Assert.Equal(1, totals["bpfchannels.channels/polling"]);

            // Durations in seconds, with buckets fine enough for polls of a few microseconds.
            var duration = (Histogram<double>)instruments["bpfchannels.poll.duration"];
            Assert.Equal("s", duration.Unit);
            IReadOnlyList<double> buckets = duration.Advice!.HistogramBucketBoundaries!;
            Assert.True(buckets[0] <= 0.00001, $"first bucket {buckets[0]} s cannot resolve a 10 us poll");
            Assert.True(buckets.Count(b => b < 0.001) >= 4, "fewer than four buckets below one millisecond");
        }

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string name = instrument.Name;
            bool tagged = false;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                tagged |= tag is { Key: "bpf.map.name", Value: "counts" };
                if (tag.Key == "bpfchannels.channel.state")
                {
                    name = $"{name}/{tag.Value}";
                }
            }

            Assert.True(tagged, $"{instrument.Name} has no bpf.map.name tag");
            lock (totals)
            {
                totals[name] = totals.GetValueOrDefault(name) + value;
            }
        }
    }
}
