using System.Threading.Channels;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting.Tests;

/// <summary>
/// Which change ring a hosted notified channel reads, and for how long: its own object's ring among several, and a
/// reloaded object's old ring until the last channel has moved to the new one. The host is not started: each test steps
/// the channels itself, in the order it wants, and counts descriptors (so it runs alone).
/// </summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class ChangeRingHostingTests
{
    [Fact]
    public async Task Reload_ChannelsMoveOneByOne_OldNotifierRunsUntilTheLastMovesAndNoDescriptorStays()
    {
        BpfTestEnvironment.RequireBpf();
        int start = FdCount.Settled();
        await using (var fixture = new HostFixture())
        {
            // Two channels over the one map, so one ring and one notifier serve both.
            fixture.Channels.AddObject("ring", "hosted_notified.bpf.o")
                .AddMapChannel<uint, ulong>("counts", configure: Notified)
                .AddMapChannel<uint, ulong>("ring/counts", configure: Notified);
            BpfChannelRegistry registry = fixture.Registry;
            HostedMapChannel[] hosted = registry.Open();
            var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
            Assert.All(hosted, h => Assert.Equal(MapChannelMode.Notified, h.Channel.Mode));
            Assert.Equal(1, registry.Notifiers.Count);
            int loaded = FdCount.Settled();

            BpfObject reloaded = objects.Reload("ring");

            // The first channel takes the new object's map and ring; the second still reads the old ring's notifier.
            MoveToNewMap(fixture, hosted[0]);
            Assert.Same(reloaded.GetMap("counts"), hosted[0].Channel.Map);
            Assert.Equal(2, registry.Notifiers.Count);
            Assert.True(hosted[1].Channel.Map.IsDisposed);

            // The second moves too (its re-bind re-tags the notifier it still holds), and the old notifier goes.
            MoveToNewMap(fixture, hosted[1]);
            Assert.Same(reloaded.GetMap("counts"), hosted[1].Channel.Map);
            Assert.Equal(1, registry.Notifiers.Count);
            Assert.Equal(loaded, FdCount.Settled());
            foreach (HostedMapChannel channel in hosted)
            {
                HostedMapChannelStatus status = channel.Read();
                Assert.Equal((HostedMapChannelPhase.Polling, null), (status.Phase, status.LastError));
                Assert.Equal(MapChannelMode.Notified, channel.Channel.Mode);
            }

            // Both read the new object's ring: the program's notice reaches each without a poll.
            ChannelReader<MapChange<uint, ulong>>[] changes = [.. hosted.Select(h => Collect((MapChannel<uint, ulong>)h.Channel))];
            Assert.Equal(0, Set(reloaded, 4, 40));
            foreach (ChannelReader<MapChange<uint, ulong>> reader in changes)
            {
                Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 4, 40, 0), await reader.NextAsync());
            }
        }

        Assert.Equal(start, FdCount.Settled());
    }

    [Fact]
    public async Task Open_TwoObjectsDeclareAChangeRing_EachChannelReadsItsOwnObjectsRing()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("first", "hosted_notified.bpf.o").AddObject("second", "hosted_notified.bpf.o")
            .AddMapChannel<uint, ulong>("first/counts", configure: Notified)
            .AddMapChannel<uint, ulong>("second/counts", configure: Notified)
            .AddMapChannel("from-factory", sp => sp.GetRequiredService<BpfObjectHost>().GetObject("second").GetMap<uint, ulong>("counts"), Notified);
        BpfChannelRegistry registry = fixture.Registry;
        HostedMapChannel[] hosted = registry.Open();
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();

        // A ring by name alone is in both objects; each channel's map is in one, and that one's ring is read.
        Assert.All(hosted, h => Assert.Equal(MapChannelMode.Notified, h.Channel.Mode));
        Assert.Equal(2, registry.Notifiers.Count);
        Assert.Contains(fixture.Logs.Entries, e => e.Id.Id == 12 && e.Message.Contains("'from-factory'", StringComparison.Ordinal));
        ChannelReader<MapChange<uint, ulong>> first = Collect(registry.GetChannel<uint, ulong>("first/counts"));
        ChannelReader<MapChange<uint, ulong>> second = Collect(registry.GetChannel<uint, ulong>("second/counts"));
        ChannelReader<MapChange<uint, ulong>> factory = Collect(registry.GetChannel<uint, ulong>("from-factory"));

        Assert.Equal(0, Set(objects.GetObject("second"), 6, 60));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 6, 60, 0), await second.NextAsync());
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 6, 60, 0), await factory.NextAsync());
        Assert.Equal(0, Set(objects.GetObject("first"), 7, 70));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 7, 70, 0), await first.NextAsync());
        Assert.Equal(0, registry.GetChannel<uint, ulong>("second/counts").ReconciledChanges);
    }

    private static void Notified(BpfMapChannelOptions options)
    {
        options.Mode = MapChannelMode.Notified;
        options.ReconcileInterval = TimeSpan.FromHours(1);
    }

    // A step finds the map disposed (the channel starts reopening), the next finds the new object's map.
    private static void MoveToNewMap(HostFixture fixture, HostedMapChannel hosted)
    {
        _ = hosted.Step(fixture.Options, fixture.Time.GetUtcNow());
        Assert.Equal(HostedMapChannelPhase.Reopening, hosted.Read().Phase);
        _ = hosted.Step(fixture.Options, fixture.Time.GetUtcNow());
    }

    private static ChannelReader<MapChange<uint, ulong>> Collect(MapChannel<uint, ulong> channel)
    {
        var changes = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        _ = channel.Observe().Subscribe(change => changes.Writer.TryWrite(change));
        return changes.Reader;
    }

    private static int Set(BpfObject obj, uint key, ulong value)
    {
        var args = new SetArgs { Key = key, Value = value };
        return (int)obj.GetProgram("set_count").TestRun(ref args);
    }
}
