using System.Diagnostics.Metrics;
using System.Threading.Channels;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting.Tests;

/// <summary>Notified map channels chosen by configuration: the program's change notices arrive without any poll.</summary>
/// <remarks>Run alone (<see cref="ProcessWideMeterCollection"/>): their change rings' readers publish instruments.</remarks>
[Collection(typeof(ProcessWideMeterCollection))]
public sealed class NotifiedHostingTests
{
    [Fact]
    public async Task Configuration_ModeNotified_ProgramChangesArriveWithoutPolling()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:counts:Mode"] = "Notified",
            ["BpfChannels:Maps:counts:ReconcileInterval"] = "01:00:00",
        });
        fixture.Channels.AddObject("notified", "hosted_notified.bpf.o").AddMapChannel<uint, ulong>("counts");
        await fixture.StartAsync();
        BpfProgram program = fixture.Services.GetRequiredService<BpfObjectHost>().GetObject("notified").GetProgram("set_count");
        MapChannel<uint, ulong> channel = fixture.Registry.GetChannel<uint, ulong>("counts");
        var changes = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        using IDisposable subscription = channel.Observe().Subscribe(change => changes.Writer.TryWrite(change));

        var args = new SetArgs { Key = 3, Value = 30 };
        Assert.Equal(0u, program.TestRun(ref args));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 3, 30, 0), await changes.Reader.NextAsync());
        args = new SetArgs { Key = 3, Value = 31 };
        Assert.Equal(0u, program.TestRun(ref args));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 3, 31, 30), await changes.Reader.NextAsync());

        // The virtual clock never moved, so the hosted service polled nothing: the notices did it all.
        Assert.Equal(MapChannelMode.Notified, channel.Mode);
        Assert.Equal(TimeSpan.FromHours(1), fixture.Options.GetPollInterval("counts"));
        Assert.Equal(0, channel.ReconciledChanges);
        Assert.Contains(fixture.Logs.Entries, e => e.Id.Id == 12 && e.Message.Contains("'counts'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configuration_NotifiedReconcile_RunsOnTheHostsClockOncePerInterval()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:counts:Mode"] = "Notified",
            ["BpfChannels:Maps:counts:ReconcileInterval"] = "00:00:00.200",
        });
        fixture.Channels.AddObject("notified", "hosted_notified.bpf.o").AddMapChannel<uint, ulong>("counts");
        await fixture.StartAsync();
        MapChannel<uint, ulong> channel = fixture.Registry.GetChannel<uint, ulong>("counts");
        using IDisposable subscription = channel.Observe().Subscribe(_ => { });
        Assert.Equal(MapChannelMode.Notified, channel.Mode);

        // A write from user space publishes no notice: only a reconciliation can find it.
        var counts = new BpfMap<uint, ulong>(fixture.Services.GetRequiredService<BpfObjectHost>().GetObject("notified").GetMap("counts"));
        counts.Update(7, 70);

        // Four intervals of real time, none of the host's virtual clock: nothing reconciles, neither the hosted loop
        // nor the channel's own timer (which would, were it on the system clock).
        await Task.Delay(TimeSpan.FromMilliseconds(800), TestContext.Current.CancellationToken);
        Assert.False(channel.TryGet(7, out _));
        Assert.Equal(0, channel.ReconciledChanges);
        long polls = channel.Polls;

        // One interval of the host's clock: one full read finds the write.
        fixture.Time.Advance(TimeSpan.FromMilliseconds(200));
        long deadline = Environment.TickCount64 + 10_000;
        while (!channel.TryGet(7, out _) && Environment.TickCount64 < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(channel.TryGet(7, out ulong value));
        Assert.Equal(70ul, value);
        Assert.Equal(1, channel.ReconciledChanges);
        Assert.Equal(1, ReconciledChangesMetric(fixture, "counts")); // what a dashboard sees: the writes the notices missed
        await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        Assert.Equal(polls + 1, channel.Polls);
    }

    [Fact]
    public async Task Configuration_NotifiedButRingMissing_RunsPolledAndSaysWhy()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:state:Mode"] = "Notified",
        });
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddMapChannel<uint, ulong>("state");
        await fixture.StartAsync();

        MapChannel<uint, ulong> channel = fixture.Registry.GetChannel<uint, ulong>("state");

        Assert.Equal(MapChannelMode.Polled, channel.Mode);
        Assert.Contains(fixture.Logs.Entries, e => e.Id.Id == 13 && e.Message.Contains("bpfchan_changes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_NotifiedWithBadReconcileInterval_FailsValidationNamingIt()
    {
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16);
        await using var fixture = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:counts:Mode"] = "Notified",
            ["BpfChannels:Maps:counts:ReconcileInterval"] = "-00:00:01",
            ["BpfChannels:Maps:counts:ChangeRing"] = " ",
        });
        fixture.Channels.AddMapChannel<uint, ulong>("counts", _ => map);

        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(fixture.StartAsync);

        Assert.Contains("Maps:counts:ReconcileInterval must be positive", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Maps:counts:Channel", e.Message, StringComparison.Ordinal);
        Assert.Contains("Maps:counts is Notified, so ChangeRing", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The <c>bpfchannels.reconciled.changes</c> counter of the host's meter for one map, read now.</summary>
    private static long ReconciledChangesMetric(HostFixture fixture, string map)
    {
        Meter meter = fixture.Services.GetRequiredService<BpfChannelsMetrics>().Meter;
        long total = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter && instrument.Name == "bpfchannels.reconciled.changes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "bpf.map.name" && Equals(tag.Value, map))
                {
                    total += measurement;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return total;
    }
}
