using BpfChannels.Hosting;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// The generated AddHostedCounterBpf(configuration): channels and attachments named in configuration, validated at
/// start, and the injected bindings, channels and links following BpfObjectHost.Reload.
/// </summary>
public sealed class HostingConfigurationTests
{
    private static readonly uint Pid = (uint)Environment.ProcessId;

    [Fact]
    public async Task AddHostedCounterBpf_ConfiguredChannelsAndAttachment_ProgramCountsIntoThem()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = UniqueName();
        using IHost host = Build(objectName, new()
        {
            ["Maps:counts:PollInterval"] = "00:00:00.050",
            ["Maps:per_cpu:PollInterval"] = "00:00:00.050",
            [$"Objects:{objectName}:Attach:0"] = HostedCounterBpf.ProgramName.CountEnter,
        });
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var counts = host.Services.GetRequiredKeyedService<MapChannel<uint, ulong>>(HostedCounterBpf.MapName.Counts);
            var perCpu = host.Services.GetRequiredKeyedService<MapChannel<uint, ulong>>(HostedCounterBpf.MapName.PerCpu);
            Assert.Same(host.Services.GetRequiredService<BpfChannelRegistry>().GetChannel<uint, ulong>("counts"), counts);
            HostedCounterBpf bpf = host.Services.GetRequiredService<HostedCounterBpf>();
            using IDisposable watchingCounts = counts.Observe().Subscribe(new Ignore<MapChange<uint, ulong>>());
            using IDisposable watchingPerCpu = perCpu.Observe().Subscribe(new Ignore<MapChange<uint, ulong>>());

            // The process's own threads make system calls all the time (this poll loop among them).
            Assert.True(await Eventually(() => bpf.Maps.Counts.TryLookup(Pid, out ulong n) && n > 0), "the configured attachment is not counting");
            Assert.True(await Eventually(() => counts.TryGet(Pid, out ulong n) && n > 0), "the configured channel never saw the count");
            Assert.True(await Eventually(() => perCpu.TryGet(0u, out ulong sum) && sum > 0), "the per-CPU channel never saw a sum");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Reload_HostedObject_BindingsChannelsAndLinksMoveToTheNewObject()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = UniqueName();
        var log = new List<string>();
        using IHost host = Build(objectName, new()
        {
            ["Maps:counts:PollInterval"] = "00:00:00.050",
            [$"Objects:{objectName}:Attach:0:Program"] = "count_enter",
        }, log);
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            HostedCounterBpf bpf = host.Services.GetRequiredService<HostedCounterBpf>();
            var counts = host.Services.GetRequiredKeyedService<MapChannel<uint, ulong>>("counts");
            using IDisposable watching = counts.Observe().Subscribe(new Ignore<MapChange<uint, ulong>>());
            Assert.True(await Eventually(() => counts.TryGet(Pid, out ulong n) && n > 0));
            BpfObject before = bpf.Object;
            BpfMap<uint, ulong> oldCounts = bpf.Maps.Counts;
            uint oldId = oldCounts.Map.Id;

            BpfObject reloaded = host.Services.GetRequiredService<BpfObjectHost>().Reload(objectName);

            Assert.NotSame(before, reloaded);
            Assert.Same(reloaded, bpf.Object);
            Assert.True(oldCounts.Map.IsDisposed);
            Assert.False(bpf.Maps.Counts.Map.IsDisposed);
            Assert.NotEqual(oldId, bpf.Maps.Counts.Map.Id);

            // The program of the new object is attached (and AfterLoad wrote the pid into its watched map again);
            // a raw tracepoint takes several programs, so the new link is made before the old one goes.
            Assert.True(await Eventually(() => bpf.Maps.Counts.TryLookup(Pid, out ulong n) && n > 0), "the reloaded object's program is not attached");
            Assert.True(await Eventually(() => !counts.Map.IsDisposed && counts.Map.Id == bpf.Maps.Counts.Map.Id), "the channel did not move to the reloaded object's map");
            string[] attachLines;
            lock (log)
            {
                attachLines = [.. log.Where(line => line.Contains($"program 'count_enter' of BPF object '{objectName}'", StringComparison.Ordinal))];
            }

            Assert.Equal(["Attached", "Attached", "Detached"], attachLines.Select(line => line.Split(' ')[0]));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Reload_AnEarlierHandlerThrows_BindingsStillMoveAndTheFailureLeavesReload()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = UniqueName();
        using IHost host = Build(objectName, []);
        BpfObjectHost objects = host.Services.GetRequiredService<BpfObjectHost>();
        objects.Reloaded += (_, _) => throw new InvalidOperationException("handler failed"); // ahead of the bindings' own handler
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            HostedCounterBpf bpf = host.Services.GetRequiredService<HostedCounterBpf>();
            BpfObject before = bpf.Object;

            InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => objects.Reload(objectName));

            Assert.Equal("handler failed", e.Message);
            Assert.NotSame(before, bpf.Object);
            Assert.Same(objects.GetObject(objectName), bpf.Object);
            Assert.False(bpf.Maps.Counts.Map.IsDisposed);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AddHostedCounterBpf_AttachmentNamingUnknownProgramOrBlankTarget_StartFailsNamingEach()
    {
        string objectName = UniqueName();
        using IHost host = Build(objectName, new()
        {
            [$"Objects:{objectName}:Attach:0"] = "count_exit",
            [$"Objects:{objectName}:Attach:1:Program"] = "count_enter",
            [$"Objects:{objectName}:Attach:1:Target"] = " ",
        });

        string message = await StartFailures(host);

        Assert.Contains($"Objects:{objectName}:Attach:0: hosted_counter.bpf.o has no program 'count_exit'; it has: count_enter.", message, StringComparison.Ordinal);
        Assert.Contains($"Objects:{objectName}:Attach:1:Target is blank", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddHostedCounterBpf_ChannelConfiguredForRingBuffer_StartFailsSayingWhy()
    {
        using IHost host = Build(UniqueName(), new() { ["Maps:events:PollInterval"] = "00:00:01" });

        string message = await StartFailures(host);

        Assert.Contains("Maps:events names a map of hosted_counter.bpf.o that cannot have a channel: a RingBuffer map is not a key/value map", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHostedCounterBpf_ConfigurationAlsoGivenToAttachPrograms_EachProgramIsListedOnce()
    {
        string objectName = UniqueName();
        IConfiguration config = Configuration(new() { [$"Objects:{objectName}:Attach:0"] = "count_enter", ["Objects:other:Attach:0"] = "elsewhere" });
        var services = new ServiceCollection();
        services.AddBpfChannels(config).AttachPrograms(config).AddHostedCounterBpf(config, bpf => bpf.ObjectName = objectName);
        using ServiceProvider provider = services.BuildServiceProvider();

        BpfProgramAttachOptions options = provider.GetRequiredService<IOptions<BpfProgramAttachOptions>>().Value;

        BpfProgramAttachment mine = Assert.Single(options.Objects[objectName].Attach);
        Assert.Equal("count_enter", mine.Program);
        Assert.Equal($"BpfChannels:Objects:{objectName}:Attach:0", mine.ConfigurationPath);
        Assert.Equal("elsewhere", Assert.Single(options.Objects["other"].Attach).Program);
    }

    private static IHost Build(string objectName, Dictionary<string, string?> settings, List<string>? log = null)
    {
        IConfiguration config = Configuration(settings);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        if (log is not null)
        {
            builder.Logging.AddProvider(new Capture(log));
        }

        builder.Services.AddBpfChannels(config).AddHostedCounterBpf(config, bpf =>
        {
            bpf.ObjectName = objectName;
            bpf.AfterLoad(b => b.Maps.Watched.Update(0u, Pid));
        });
        return builder.Build();
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(p => new KeyValuePair<string, string?>("BpfChannels:" + p.Key, p.Value))).Build().GetSection("BpfChannels");

    private static string UniqueName() => "counter-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<string> StartFailures(IHost host)
    {
        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));
        return string.Join("\n", Flatten(e).OfType<OptionsValidationException>().SelectMany(v => v.Failures));
    }

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException a ? a.InnerExceptions.SelectMany(Flatten) : [e];

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (int i = 0; i < 200; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return condition();
    }

    private sealed class Ignore<T> : IObserver<T>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(T value)
        {
        }
    }

    private sealed class Capture(List<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
