using System.Diagnostics;
using System.Reactive.Linq;
using BpfChannels.Tests.Support;
using ExecWatch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Examples.Tests;

/// <summary>The ExecWatch pipeline, run in-process against the kernel.</summary>
public sealed class ExecWatchTests
{
    [Fact]
    public async Task Pipeline_ChildExec_ArrivesEnrichedWithParentAndArguments()
    {
        BpfTestEnvironment.RequireBpf();
        string sleep = BpfTestEnvironment.RequireTool("sleep");
        HostApplicationBuilder builder = ExecWatchApp.CreateBuilder([]);
        // The test output folder holds one appsettings.json for all the examples it references: configure only what this test needs.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ExecWatch:Quiet"] = "true" });
        using IHost host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        var pipeline = host.Services.GetRequiredService<ExecPipeline>();

        // Subscribe first, then exec: the event for this child must come through all three stages.
        var arrivals = new List<EnrichedExec>();
        var seen = new TaskCompletionSource<EnrichedExec>(TaskCreationOptions.RunContinuationsAsynchronously);
        int childPid = 0;
        using IDisposable subscription = pipeline.Output.Subscribe(e =>
        {
            lock (arrivals)
            {
                arrivals.Add(e);
                if (e.Pid == Volatile.Read(ref childPid))
                {
                    seen.TrySetResult(e);
                }
            }
        });

        // The attach happens in the worker; exec children until one is seen (the first may precede the attach).
        EnrichedExec? found = null;
        var children = new List<Process>();
        try
        {
            while (found is null)
            {
                Process child = Process.Start(sleep, "2");
                children.Add(child);
                lock (arrivals)
                {
                    Volatile.Write(ref childPid, child.Id);
                    found = arrivals.FirstOrDefault(e => e.Pid == child.Id);
                }

                found ??= await Task.WhenAny(seen.Task, Task.Delay(500, timeout.Token)) == seen.Task ? await seen.Task : null;
            }
        }
        finally
        {
            foreach (Process child in children)
            {
                child.Kill();
                child.Dispose();
            }
        }

        Assert.Equal((uint)Environment.ProcessId, found.ParentPid);
        Assert.Equal("sleep", found.Command);
        Assert.EndsWith("/sleep", found.Filename);
        Assert.Equal($"{sleep} 2", found.CommandLine);
        Assert.Equal(0u, found.Uid);
        await host.StopAsync(timeout.Token);
    }

    [Fact]
    public void Enrich_ExitedProcess_KeepsKernelFields()
    {
        var record = new ExecWatchBpf.ExecEvent { Pid = int.MaxValue, Uid = 1000 };
        "bash"u8.CopyTo(record.Comm);
        EnrichedExec enriched = ExecPipeline.Enrich(record);
        Assert.Equal("bash", enriched.Command);
        Assert.Equal(0u, enriched.ParentPid);
        Assert.Equal(string.Empty, enriched.CommandLine);
        Assert.Equal(1000u, enriched.Uid);
    }

    [Fact]
    public void Format_ExecWithArguments_OnePlainLine()
    {
        string line = ExecWatchView.Format(new EnrichedExec(42, 7, 1000, "sleep", "/usr/bin/sleep", "sleep 2"));
        Assert.Equal("      42        7   1000  sleep            /usr/bin/sleep [sleep 2]", line);
        Assert.DoesNotContain('\n', line);
    }
}
