using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting.Tests;

public sealed class OptionsTests
{
    [Fact]
    public async Task AddBpfChannels_Configuration_BindsEveryOption()
    {
        await using var fx = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:DefaultPollInterval"] = "00:00:05",
            ["BpfChannels:MaxRetryDelay"] = "00:01:00",
            ["BpfChannels:StaleAfterIntervals"] = "3",
            ["BpfChannels:PinRoot"] = "/sys/fs/bpf/app",
            ["BpfChannels:Maps:counts:PollInterval"] = "00:00:00.250",
            ["BpfChannels:Maps:counts:PinPath"] = "counts",
            ["BpfChannels:Maps:counts:Channel:PollWhenUnobserved"] = "true",
            ["BpfChannels:Maps:counts:Channel:SubscriberCapacity"] = "16",
            ["BpfChannels:Maps:counts:Channel:FullMode"] = "DropNewest",
            ["BpfChannels:Maps:counts:Channel:WriteCapacity"] = "32",
            ["BpfChannels:Maps:counts:Channel:MaxWriteBatch"] = "8",
        });
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16, name: "counts");
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map);

        BpfChannelsOptions options = fx.Services.GetRequiredService<IOptions<BpfChannelsOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), options.DefaultPollInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxRetryDelay);
        Assert.Equal(3, options.StaleAfterIntervals);
        Assert.Equal("/sys/fs/bpf/app", options.PinRoot);
        BpfMapChannelOptions counts = options.Maps["counts"];
        Assert.Equal(TimeSpan.FromMilliseconds(250), counts.PollInterval);
        Assert.Equal("counts", counts.PinPath);
        Assert.True(counts.Channel.PollWhenUnobserved);
        Assert.Equal(16, counts.Channel.SubscriberCapacity);
        Assert.Equal(BoundedChannelFullMode.DropNewest, counts.Channel.FullMode);
        Assert.Equal(32, counts.Channel.WriteCapacity);
        Assert.Equal(8, counts.Channel.MaxWriteBatch);

        await fx.StartAsync();
        HostedMapChannel state = Assert.Single(fx.Registry.Open());
        Assert.Equal(TimeSpan.FromMilliseconds(250), fx.Options.GetPollInterval("counts"));
        Assert.True(state.Channel.IsObserved);
    }

    [Fact]
    public async Task AddMapChannel_ConfigureDelegate_OverridesConfiguration()
    {
        await using var fx = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:counts:PollInterval"] = "00:00:02",
        });
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16, name: "counts");
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map, o => o.PollInterval = TimeSpan.FromSeconds(9));

        await fx.StartAsync();

        Assert.Single(fx.Registry.Open());
        Assert.Equal(TimeSpan.FromSeconds(9), fx.Options.GetPollInterval("counts"));
    }

    [Fact]
    public async Task Reload_PollIntervalAndChannelOptionsChange_RunningChannelFollowsWithoutRestart()
    {
        await using var fx = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:counts:PollInterval"] = "00:00:10",
        });
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16, name: "counts");
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map);
        await fx.StartAsync();
        HostedMapChannel hosted = Assert.Single(fx.Registry.Open());
        ChannelReader<Exception?> steps = hosted.WatchPolls();
        fx.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await steps.NextAsync());
        Assert.Equal(0, hosted.Channel.Polls); // nobody subscribes and unobserved polling is off

        fx.Configuration["BpfChannels:Maps:counts:PollInterval"] = "00:00:02";
        fx.Configuration["BpfChannels:Maps:counts:Channel:PollWhenUnobserved"] = "true";
        fx.Configuration.Reload();

        Assert.Equal(TimeSpan.FromSeconds(2), fx.Options.GetPollInterval("counts"));
        fx.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await steps.NextAsync());
        Assert.Equal(1, hosted.Channel.Polls);
        fx.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await steps.NextAsync());
        Assert.Equal(2, hosted.Channel.Polls);
        Assert.Contains(fx.Logs.Entries, e => e.Id.Id == 11);

        // A write queue cannot be resized while it runs: said once, the rest applies.
        fx.Configuration["BpfChannels:Maps:counts:Channel:WriteCapacity"] = "8";
        fx.Configuration.Reload();
        Assert.Contains(fx.Logs.Entries, e => e.Id.Id == 10 && e.Message.Contains("'counts'"));
    }

    [Fact]
    public async Task StartAsync_ConfiguredMapWithoutChannel_FailsValidationNamingIt()
    {
        await using var fx = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:conts:PollInterval"] = "00:00:01",
        });

        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(fx.StartAsync);

        Assert.Contains("Maps:conts", e.Message);
    }

    [Fact]
    public async Task StartAsync_InvalidValues_FailsValidationWithEveryProblem()
    {
        await using var fx = new HostFixture(o =>
        {
            o.DefaultPollInterval = TimeSpan.Zero;
            o.StaleAfterIntervals = 0;
        });
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(16);
        fx.Channels.AddMapChannel<uint, ulong>("counts", _ => map, o => o.Channel.SubscriberCapacity = 0);

        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(fx.StartAsync);

        Assert.Contains("DefaultPollInterval", e.Message);
        Assert.Contains("StaleAfterIntervals", e.Message);
        Assert.Contains("SubscriberCapacity", e.Message);
    }

    [Fact]
    public async Task StartAsync_RequiredPinMissing_FailsNamingThePin()
    {
        string pin = $"/sys/fs/bpf/bpfchannels_required_{Guid.NewGuid():N}";
        await using var fx = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:counts:PinPath"] = pin,
            ["BpfChannels:Maps:counts:Required"] = "true",
        });
        fx.Channels.AddMapChannel<uint, ulong>("counts");

        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(fx.StartAsync);

        Assert.Equal($"Map channel 'counts' is Required and its map is missing: pin {pin} does not exist.", e.Message);
    }

    [Fact]
    public async Task StartAsync_PinMissingNotRequired_StartsAndWaits()
    {
        string pin = $"/sys/fs/bpf/bpfchannels_optional_{Guid.NewGuid():N}";
        await using var fx = new HostFixture(configuration: new Dictionary<string, string?>
        {
            ["BpfChannels:Maps:counts:PinPath"] = pin,
        });
        fx.Channels.AddMapChannel<uint, ulong>("counts");

        await fx.StartAsync();

        HostedMapChannel hosted = Assert.Single(fx.Registry.Open());
        Assert.Equal((HostedMapChannelPhase.Waiting, $"pin {pin} does not exist"), (hosted.Read().Phase, hosted.Read().Problem));
        Assert.False(hosted.Channel.HasMap);
        Assert.Equal("counts", hosted.Channel.Name);
    }

    [Fact]
    public async Task StartAsync_ChannelWithoutMap_FailsFast()
    {
        await using var fx = new HostFixture();
        fx.Channels.AddMapChannel<uint, ulong>("orphan");

        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(fx.StartAsync);

        Assert.Contains("'orphan'", e.Message);
        Assert.Contains("PinPath", e.Message);
    }

    [Fact]
    public void AddMapChannel_DuplicateName_Throws()
    {
        var services = new ServiceCollection();
        BpfChannelsBuilder builder = services.AddBpfChannels();
        builder.AddMapChannel<uint, ulong>("counts", _ => BpfMapFactory.InMemory.CreateHash<uint, ulong>(4));

        Assert.Throws<ArgumentException>(() => builder.AddMapChannel<uint, uint>("counts"));
        Assert.Single(services, d => d.ServiceType == typeof(BpfChannelRegistry));
        services.AddBpfChannels();
        Assert.Single(services, d => d.ServiceType == typeof(BpfChannelRegistry));
    }
}
