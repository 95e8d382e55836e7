using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// The generated AddHostedCounterBpfInMemory(): the bindings' typed maps over the in-memory twin, with the object's map
/// types and sizes, and the same keyed channels as AddHostedCounterBpf(), without the kernel.
/// </summary>
public sealed class InMemoryHostingTests
{
    [Fact]
    public async Task AddHostedCounterBpfInMemory_NamedChannels_AreKeyedTypedAndSeeTwinWrites()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels(o => o.DefaultPollInterval = TimeSpan.FromMilliseconds(20))
            .AddHostedCounterBpfInMemory(HostedCounterBpf.MapName.Counts, HostedCounterBpf.MapName.PerCpu);
        using IHost host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            HostedCounterBpf.MapSet maps = host.Services.GetRequiredService<HostedCounterBpf.MapSet>();
            Assert.Equal(BpfMapType.Hash, maps.Counts.Map.Type);
            Assert.Equal(16, maps.Counts.Map.MaxEntries);
            Assert.Equal(BpfMapType.PerCpuArray, maps.PerCpu.Map.Type);
            var counts = host.Services.GetRequiredKeyedService<MapChannel<uint, ulong>>(HostedCounterBpf.MapName.Counts);
            var perCpu = host.Services.GetRequiredKeyedService<MapChannel<uint, ulong>>(HostedCounterBpf.MapName.PerCpu);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            await using IAsyncEnumerator<MapChange<uint, ulong>> countChanges = counts.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
            await using IAsyncEnumerator<MapChange<uint, ulong>> perCpuChanges = perCpu.WatchAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
            Assert.True(await perCpuChanges.MoveNextAsync()); // the array's one entry, listed first
            Assert.Equal(0ul, perCpuChanges.Current.Value);

            maps.Counts.Update(7u, 42ul, BpfMapUpdateFlags.NoExist);
            ulong[] values = [.. Enumerable.Range(1, maps.PerCpu.CpuCount).Select(i => (ulong)i)];
            maps.PerCpu.Update(0u, values);

            Assert.True(await countChanges.MoveNextAsync());
            Assert.Equal((MapChangeKind.Added, 7u, 42ul), (countChanges.Current.Kind, countChanges.Current.Key, countChanges.Current.Value));
            Assert.True(await perCpuChanges.MoveNextAsync());
            Assert.Equal(values.Aggregate(0ul, (a, b) => a + b), perCpuChanges.Current.Value);
            MapWriteOutcome<uint, ulong> outcome = await counts.WriteAsync(MapWrite.Update(7u, 1ul, BpfMapUpdateFlags.NoExist), cts.Token);
            Assert.Equal(BpfError.AlreadyExists, outcome.Error);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("events", "Map 'events' of hosted_counter.bpf.o cannot have a channel: a RingBuffer map is not a key/value map")]
    [InlineData("totals", "hosted_counter.bpf.o has no map 'totals'; it has: watched, counts, per_cpu, events.")]
    public void AddHostedCounterBpfInMemory_MapWithoutChannel_ThrowsSayingWhy(string map, string message)
    {
        BpfChannelsBuilder builder = new ServiceCollection().AddBpfChannels();

        ArgumentException e = Assert.Throws<ArgumentException>(() => builder.AddHostedCounterBpfInMemory(map));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHostedCounterBpfInMemory_Configuration_ChannelsForItsMapsAndValidationOfTheRest()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Maps:watched:PollInterval"] = "00:00:01",
            ["Maps:events:PollInterval"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddBpfChannels(config).AddHostedCounterBpfInMemory(config);
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Contains(services, d => d.IsKeyedService && Equals(d.ServiceKey, "watched") && d.ServiceType == typeof(MapChannel<uint, uint>));
        Assert.DoesNotContain(services, d => d.IsKeyedService && Equals(d.ServiceKey, "events"));
        OptionsValidationException e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BpfChannelsOptions>>().Value);
        Assert.Contains("Maps:events names a map of hosted_counter.bpf.o that cannot have a channel: a RingBuffer map is not a key/value map", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Maps:watched", e.Message, StringComparison.Ordinal);
    }
}
