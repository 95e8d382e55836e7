using BpfChannels.Hosting;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Bindings.Tests;

/// <summary>The generated AddRoundTripBpf(): the object loaded at start, the bindings injectable, a keyed typed channel.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task AddRoundTripBpf_WithChannel_ChannelIsKeyedAndSeesTheProgramsWrite()
    {
        BpfTestEnvironment.RequireBpf();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels(o => o.DefaultPollInterval = TimeSpan.FromMilliseconds(50))
            .AddRoundTripBpf(bpf => bpf.WithChannel(m => m.Samples).AfterLoad(b => b.Bss.Runs = 40));
        using IHost host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            RoundTripBpf bpf = host.Services.GetRequiredService<RoundTripBpf>();
            MapChannel<uint, RoundTripBpf.Sample> channel = host.Services.GetRequiredKeyedService<MapChannel<uint, RoundTripBpf.Sample>>("samples");
            Assert.Same(host.Services.GetRequiredService<BpfChannelRegistry>().GetChannel<uint, RoundTripBpf.Sample>("samples"), channel);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            IAsyncEnumerator<MapChange<uint, RoundTripBpf.Sample>> changes = channel.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

            bpf.Programs.WriteSample.TestRun();

            Assert.True(await changes.MoveNextAsync());
            Assert.Equal(7u, changes.Current.Key);
            Assert.Equal("round-trip", changes.Current.Value.LabelAsString());
            Assert.Equal(41ul, bpf.Bss.Runs);
            await changes.DisposeAsync();
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void AddHostedCounterBpf_RegisteredTwiceUnderTwoNames_EachRegistrationsChannelReadsItsOwnObject()
    {
        BpfTestEnvironment.RequireBpf();
        string first = "first-" + Guid.NewGuid().ToString("N")[..8];
        string second = "second-" + Guid.NewGuid().ToString("N")[..8];
        var services = new ServiceCollection();
        services.AddBpfChannels()
            .AddHostedCounterBpf(bpf =>
            {
                bpf.ObjectName = first;
                bpf.WithChannel(m => m.Counts, name: "first-counts");
            })
            .AddHostedCounterBpf(bpf =>
            {
                bpf.ObjectName = second;
                bpf.WithChannel(m => m.Counts, name: "second-counts");
            });
        using ServiceProvider provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<BpfChannelRegistry>();
        var objects = provider.GetRequiredService<BpfObjectHost>();

        Assert.Equal(objects.GetObject(first).GetMap("counts").Id, registry.GetChannel<uint, ulong>("first-counts").Map.Id);
        Assert.Equal(objects.GetObject(second).GetMap("counts").Id, registry.GetChannel<uint, ulong>("second-counts").Map.Id);
        Assert.Same(objects.GetObject(first), provider.GetRequiredKeyedService<HostedCounterBpf>(first).Object);
        Assert.Same(objects.GetObject(second), provider.GetRequiredKeyedService<HostedCounterBpf>(second).Object);

        // Unkeyed, the bindings are the last registration's, as with any service registered twice.
        Assert.Same(provider.GetRequiredKeyedService<HostedCounterBpf>(second), provider.GetRequiredService<HostedCounterBpf>());
    }

    [Fact]
    public void Bindings_BuildFailsThenSucceeds_OnlyTheBuiltBindingsStaySubscribedToReloads()
    {
        BpfTestEnvironment.RequireBpf();
        bool fail = true;
        var services = new ServiceCollection();
        string objectName = "round-trip-" + Guid.NewGuid().ToString("N")[..8];
        services.AddBpfChannels().AddRoundTripBpf(bpf =>
        {
            bpf.ObjectName = objectName;
            bpf.AfterLoad(_ =>
            {
                if (fail)
                {
                    throw new InvalidOperationException("the after-load step fails this time");
                }
            });
        });
        using ServiceProvider provider = services.BuildServiceProvider();
        var objects = provider.GetRequiredService<BpfObjectHost>();
        int before = ReloadedHandlers(objects);

        for (int attempt = 0; attempt < 3; attempt++)
        {
            Assert.Throws<InvalidOperationException>(provider.GetRequiredService<RoundTripBpf>);
        }

        Assert.Equal(before, ReloadedHandlers(objects));
        fail = false;
        RoundTripBpf bindings = provider.GetRequiredService<RoundTripBpf>();
        Assert.Equal(before + 1, ReloadedHandlers(objects));

        // The one handler left is live: the bindings follow a reload.
        BpfObject reloaded = objects.Reload(objectName);
        Assert.Same(reloaded, bindings.Object);
    }

    // The event's subscribers, read from its compiler-generated field: nothing public counts them.
    private static int ReloadedHandlers(BpfObjectHost objects)
        => (typeof(BpfObjectHost).GetField(nameof(BpfObjectHost.Reloaded), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(objects) as Delegate)?.GetInvocationList().Length ?? 0;

    [Fact]
    public void WithChannel_SelectorReturningNoMap_ThrowsNamingAMap()
    {
        var services = new ServiceCollection();
        BpfChannelsBuilder builder = services.AddBpfChannels();

        ArgumentException e = Assert.Throws<ArgumentException>(() => builder.AddRoundTripBpf(bpf => bpf.WithChannel<uint, ulong>(_ => null!)));
        Assert.Contains("m => m.Samples", e.Message, StringComparison.Ordinal);
    }
}
