using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting.Tests;

/// <summary>A notified channel over an object whose change ring and lost counter are pinned, so a reload reuses them.</summary>
[Collection(typeof(ProcessWideMeterCollection))]
public sealed class PinnedChangeRingReloadTests
{
    [Fact]
    public async Task Reload_PinnedRingReused_NoticesLostAfterTheReloadStillTriggerReconciliation()
    {
        BpfTestEnvironment.RequireBpf();
        string pins = Path.Combine(BpfSystem.DefaultBpfFsPath, $"bpfchan-hosting-{Guid.NewGuid():N}");
        Directory.CreateDirectory(pins);
        try
        {
            await using var fixture = new HostFixture(options => options.PinRoot = pins);
            fixture.Channels.AddObject("pinned", "hosted_pinned_notified.bpf.o", r => r.PinMaps = true)
                .AddMapChannel<uint, ulong>("counts", configure: options =>
                {
                    options.Mode = MapChannelMode.Notified;
                    options.ReconcileInterval = TimeSpan.FromHours(1);
                });
            BpfChannelRegistry registry = fixture.Registry;
            HostedMapChannel hosted = Assert.Single(registry.Open());
            Assert.Equal(MapChannelMode.Notified, hosted.Channel.Mode);
            var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
            uint ring = objects.GetObject("pinned").GetMap(MapChangeNotifier.RingName).Id;

            // The new object reuses the pinned ring, so the channel keeps the notifier the first object's maps built.
            BpfObject reloaded = objects.Reload("pinned");
            Assert.Equal(ring, reloaded.GetMap(MapChangeNotifier.RingName).Id);
            _ = hosted.Step(fixture.Options, fixture.Time.GetUtcNow());
            _ = hosted.Step(fixture.Options, fixture.Time.GetUtcNow());
            Assert.Same(reloaded.GetMap("counts"), hosted.Channel.Map);
            Assert.Equal(1, registry.Notifiers.Count);
            var channel = (MapChannel<uint, ulong>)hosted.Channel;
            using IDisposable subscription = channel.Observe().Subscribe(_ => { });

            // Notices lost after the reload: keys written without one, and the lost counter counting them, as the
            // program's wrapper does when the ring is full. One published notice wakes the notifier, which then
            // reads the counter (through the old object's map, were it still using that one, it would see no change).
            var counts = new BpfMap<uint, ulong>(reloaded.GetMap("counts"));
            for (uint key = 1; key <= 5; key++)
            {
                counts.Update(key, key * 10);
            }

            new BpfMap<uint, ulong>(reloaded.GetMap(MapChangeNotifier.LostCounterName)).Update(0, 5);
            var args = new SetArgs { Key = 9, Value = 90 };
            Assert.Equal(0u, reloaded.GetProgram("set_count").TestRun(ref args));

            await TestExtensions.UntilAsync(() => Enumerable.Range(1, 5).All(key => channel.TryGet((uint)key, out _)), "a reconciliation found every key written without a notice");
            for (uint key = 1; key <= 5; key++)
            {
                Assert.True(channel.TryGet(key, out ulong value));
                Assert.Equal(key * 10, value);
            }

            Assert.True(channel.TryGet(9, out ulong noticed));
            Assert.Equal(90UL, noticed);
        }
        finally
        {
            foreach (string pin in Directory.EnumerateFiles(pins))
            {
                File.Delete(pin);
            }

            Directory.Delete(pins);
        }
    }
}
