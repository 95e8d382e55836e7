using BpfChannels.Tests.Support;

namespace BpfChannels.Hosting.Tests;

public sealed class RegistryTests
{
    [Fact]
    public async Task GetChannel_WrongTypesOrName_ThrowsClearly()
    {
        await using var fx = new HostFixture();
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map);

        Assert.Same(map.Map, fx.Registry.GetChannel<uint, ulong>("counts").Map);
        Assert.Contains("MapChannel<UInt32, UInt32>", Assert.Throws<InvalidCastException>(() => fx.Registry.GetChannel<uint, uint>("counts")).Message);
        Assert.Throws<KeyNotFoundException>(() => fx.Registry.GetChannel<uint, ulong>("other"));
        Assert.Single(fx.Registry.Channels);
    }

    [Fact]
    public async Task AddMapSource_ChannelWithoutFactory_TakesFirstSourceThatHasTheMap()
    {
        await using var fx = new HostFixture();
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16, name: "events");
        var asked = new List<string>();
        fx.Channels
            .AddMapChannel<uint, ulong>("events")
            .AddMapSource((_, name) =>
            {
                asked.Add(name);
                return null;
            })
            .AddMapSource((_, name) => name == "events" ? map.Map : null);

        await fx.StartAsync();

        Assert.Same(map.Map, fx.Registry.GetChannel<uint, ulong>("events").Map);
        Assert.Equal(["events"], asked);
    }

    [Fact]
    public async Task AddPerCpuMapChannel_Polled_DeliversAggregatedValues()
    {
        await using var fx = new HostFixture(o => o.DefaultPollInterval = TimeSpan.FromSeconds(1));
        using BpfPerCpuMap<uint, ulong> map = BpfMapFactory.InMemory.CreatePerCpuHash<uint, ulong>(8);
        fx.Channels.AddPerCpuMapChannel<uint, ulong>("hits", Max, _ => map);
        await fx.StartAsync();
        MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("hits");
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        ulong[] values = new ulong[map.CpuCount];
        values[^1] = 42;
        map.Update(3, values);

        fx.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 3, 42, 0), await reader.NextAsync());

        static ulong Max(ReadOnlySpan<ulong> perCpu)
        {
            ulong max = 0;
            foreach (ulong v in perCpu)
            {
                max = Math.Max(max, v);
            }

            return max;
        }
    }

    [Fact]
    public async Task StartAsync_PinPath_OpensPinnedKernelMapAndDisposesItAtTheEnd()
    {
        BpfTestEnvironment.RequireBpfFs();
        string name = $"bpfchannels_hosting_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        using BpfMap<uint, ulong> pinned = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16, name: "pinned");
        pinned.Update(4, 40);
        pinned.Map.Pin(Path.Combine(BpfSystem.DefaultBpfFsPath, name));
        try
        {
            BpfMap opened;
            await using (var fx = new HostFixture(configuration: new Dictionary<string, string?>
            {
                ["BpfChannels:PinRoot"] = BpfSystem.DefaultBpfFsPath,
                ["BpfChannels:Maps:pinned:PinPath"] = name,
                ["BpfChannels:Maps:pinned:Channel:PollWhenUnobserved"] = "true",
            }))
            {
                fx.Channels.AddMapChannel<uint, ulong>("pinned");
                await fx.StartAsync();
                MapChannel<uint, ulong> channel = fx.Registry.GetChannel<uint, ulong>("pinned");
                opened = channel.Map;
                Assert.False(opened.IsInMemory);
                Assert.Equal(pinned.Map.Id, opened.Id);
                System.Threading.Channels.ChannelReader<Exception?> polls = Assert.Single(fx.Registry.Open()).WatchPolls();

                fx.Time.Advance(TimeSpan.FromSeconds(1));
                Assert.Null(await polls.NextAsync());

                Assert.True(channel.TryGet(4, out ulong value));
                Assert.Equal(40UL, value);
            }

            Assert.True(opened.IsDisposed);
            Assert.False(pinned.Map.IsDisposed);
        }
        finally
        {
            BpfMap.Unpin(Path.Combine(BpfSystem.DefaultBpfFsPath, name));
        }
    }
}
