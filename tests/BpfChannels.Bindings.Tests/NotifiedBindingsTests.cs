using BpfChannels.Hosting;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// Notified map channels through the generated bindings: HostedNotifiedBpf declares the change ring (BPFCHAN_CHANGES)
/// and writes counts through bpfchan_update; HostedCounterBpf declares none, so a notified channel over it fails start-up.
/// </summary>
public sealed class NotifiedBindingsTests
{
    // Neither a poll nor a reconciliation runs within a test: only a change notice can deliver a change.
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    [Fact]
    public async Task AddHostedNotifiedBpf_NotifiedChannelInCode_ProgramsUpdateArrivesThroughTheChangeRing()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = UniqueName();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels(o => o.DefaultPollInterval = Never).AddHostedNotifiedBpf(bpf =>
        {
            bpf.ObjectName = objectName;
            bpf.WithChannel(m => m.Counts, o =>
            {
                o.Mode = MapChannelMode.Notified;
                o.ReconcileInterval = Never;
            });
        });
        using IHost host = builder.Build();

        await AssertProgramsUpdatesArrive(host, host.Services.GetRequiredKeyedService<MapChannel<uint, ulong>>(HostedNotifiedBpf.MapName.Counts));

        // The registration leaves the ring's name alone: the host finds it in the object that holds the channel's map.
        BpfMapChannelOptions options = host.Services.GetRequiredService<IOptions<BpfChannelsOptions>>().Value.Maps["counts"];
        Assert.Equal(BpfMapChannelOptions.DefaultChangeRing, options.ChangeRing);
        Assert.Equal(BpfMapChannelOptions.DefaultChangeLostCounter, options.ChangeLostCounter);
    }

    [Fact]
    public async Task AddHostedNotifiedBpf_AnotherHostedObjectDeclaresAChangeRingToo_ChannelReadsItsOwnObjectsRing()
    {
        BpfTestEnvironment.RequireBpf();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();

        // Registered first, with the same ring names: a lookup by name alone would find this one's ring, or both.
        builder.Services.AddBpfChannels(o => o.DefaultPollInterval = Never)
            .AddEmbeddedObject(UniqueName(), typeof(HostedNotifiedBpf).Assembly, HostedNotifiedBpf.ObjectFileName)
            .AddHostedNotifiedBpf(bpf =>
            {
                bpf.ObjectName = UniqueName();
                bpf.WithChannel(m => m.Counts, o =>
                {
                    o.Mode = MapChannelMode.Notified;
                    o.ReconcileInterval = Never;
                });
            });
        using IHost host = builder.Build();

        await AssertProgramsUpdatesArrive(host, host.Services.GetRequiredKeyedService<MapChannel<uint, ulong>>(HostedNotifiedBpf.MapName.Counts));
    }

    [Fact]
    public async Task AddHostedNotifiedBpf_NotifiedChannelInConfiguration_KeyedServiceSeesTheProgramsUpdates()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = UniqueName();
        IConfiguration config = Configuration(new()
        {
            ["DefaultPollInterval"] = "01:00:00",
            ["Maps:counts:Mode"] = "Notified",
            ["Maps:counts:ReconcileInterval"] = "01:00:00",
        });
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels(config).AddHostedNotifiedBpf(config, bpf => bpf.ObjectName = objectName);
        builder.Services.AddSingleton<CountsReader>();
        using IHost host = builder.Build();

        await AssertProgramsUpdatesArrive(host, host.Services.GetRequiredService<CountsReader>().Counts);
    }

    [Fact]
    public void AddHostedNotifiedBpf_RingNamedInCode_KeepsThatName()
    {
        var services = new ServiceCollection();
        services.AddBpfChannels().AddHostedNotifiedBpf(bpf => bpf.WithChannel(m => m.Counts, o =>
        {
            o.Mode = MapChannelMode.Notified;
            o.ChangeRing = "shared/bpfchan_changes";
        }));
        using ServiceProvider provider = services.BuildServiceProvider();

        BpfMapChannelOptions options = provider.GetRequiredService<IOptions<BpfChannelsOptions>>().Value.Maps["counts"];

        Assert.Equal("shared/bpfchan_changes", options.ChangeRing);
        Assert.Equal(BpfMapChannelOptions.DefaultChangeLostCounter, options.ChangeLostCounter);
    }

    [Fact]
    public async Task AddHostedCounterBpf_NotifiedChannelInConfigurationWithoutChangeRing_StartFailsSayingSo()
    {
        IConfiguration config = Configuration(new() { ["Maps:counts:Mode"] = "Notified" });
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels(config).AddHostedCounterBpf(config, bpf => bpf.ObjectName = UniqueName());
        using IHost host = builder.Build();

        string message = await StartFailures(host);

        Assert.Contains("Maps:counts is Notified, but hosted_counter.bpf.o declares no change ring (bpfchan_changes): add BPFCHAN_CHANGES(bytes)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddHostedCounterBpf_NotifiedChannelInCodeWithoutChangeRing_StartFailsSayingSo()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels().AddHostedCounterBpf(bpf => bpf.WithChannel(m => m.Counts, o => o.Mode = MapChannelMode.Notified, name: "notified-counts"));
        using IHost host = builder.Build();

        string message = await StartFailures(host);

        Assert.Contains("Maps:notified-counts is Notified, but hosted_counter.bpf.o declares no change ring", message, StringComparison.Ordinal);
    }

    // The first change may come from the subscriber's listing; the second, an update of the same key, only from a notice.
    private static async Task AssertProgramsUpdatesArrive(IHost host, MapChannel<uint, ulong> counts)
    {
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            HostedNotifiedBpf bpf = host.Services.GetRequiredService<HostedNotifiedBpf>();
            Assert.Same(host.Services.GetRequiredService<BpfChannelRegistry>().GetChannel<uint, ulong>("counts"), counts);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            await using IAsyncEnumerator<MapChange<uint, ulong>> changes = counts.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

            Assert.Equal(0, Set(bpf, 5, 42));
            Assert.True(await changes.MoveNextAsync());
            Assert.Equal((MapChangeKind.Added, 5u, 42ul), (changes.Current.Kind, changes.Current.Key, changes.Current.Value));

            Assert.Equal(0, Set(bpf, 5, 43));
            Assert.True(await changes.MoveNextAsync());
            Assert.Equal((MapChangeKind.Updated, 5u, 43ul, 42ul), (changes.Current.Kind, changes.Current.Key, changes.Current.Value, changes.Current.PreviousValue));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static int Set(HostedNotifiedBpf bpf, uint key, ulong value)
    {
        var args = new HostedNotifiedBpf.SetArgs { Key = key, Value = value };
        return (int)bpf.Programs.SetCount.TestRun(ref args);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(p => new KeyValuePair<string, string?>("BpfChannels:" + p.Key, p.Value))).Build().GetSection("BpfChannels");

    private static string UniqueName() => "notified-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<string> StartFailures(IHost host)
    {
        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        return string.Join("\n", e.Failures);
    }

    /// <summary>A consumer that takes the channel the way an application does.</summary>
    private sealed class CountsReader([FromKeyedServices(HostedNotifiedBpf.MapName.Counts)] MapChannel<uint, ulong> counts)
    {
        public MapChannel<uint, ulong> Counts { get; } = counts;
    }
}
