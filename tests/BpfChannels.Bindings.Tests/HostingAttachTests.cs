using BpfChannels.Hosting;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// Programs attached through the generated AddHostedCounterBpf(): held by the hosting layer's BpfProgramLinks, so the
/// AddBpfProgramLinks() health check reports them and a failed attach fails start-up naming the program and the cause.
/// </summary>
public sealed class HostingAttachTests
{
    private static readonly uint Pid = (uint)Environment.ProcessId;

    [Fact]
    public async Task AddHostedCounterBpf_AttachInCode_HealthCheckReportsEachLinkUntilStop()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = "counter-" + Guid.NewGuid().ToString("N")[..8];
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels().AddHostedCounterBpf(bpf =>
        {
            bpf.ObjectName = objectName;
            bpf.AfterLoad(b => b.Maps.Watched.Update(0u, Pid));
            bpf.Attach(p => p.CountEnter);
            bpf.Attach(p => p.CountEnter, program => program.AttachRawTracepoint("sys_enter"));
        });
        builder.Services.AddHealthChecks().AddBpfProgramLinks();
        using IHost host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        IReadOnlyDictionary<string, object> running;
        BpfLink[] links;
        try
        {
            HostedCounterBpf bpf = host.Services.GetRequiredService<HostedCounterBpf>();
            BpfProgramLinks held = host.Services.GetRequiredService<BpfProgramLinks>();
            links = [.. held.Attached.Select(a => a.Link)];
            Assert.Equal([(objectName, "count_enter"), (objectName, "count_enter")], held.Attached.Select(a => (a.ObjectName, a.ProgramName)));

            _ = File.Exists("/proc/self/stat");
            Assert.True(bpf.Maps.Counts.TryLookup(Pid, out ulong counted) && counted >= 2, "the attached program counts no system calls of this process");

            HealthReportEntry entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken)).Entries["bpfprograms"];
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            Assert.Equal("2 BPF programs attached.", entry.Description);
            running = entry.Data;
            Assert.StartsWith("attached: raw_tp/sys_enter <- count_enter", (string)running[$"{objectName}/count_enter"], StringComparison.Ordinal);
            Assert.StartsWith("attached: raw_tp/sys_enter <- count_enter", (string)running[$"{objectName}/count_enter (attached in code)"], StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        Assert.All(links, link => Assert.True(link.IsDisposed));
        HealthReportEntry stopped = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken)).Entries["bpfprograms"];
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.Equal("not attached", stopped.Data[$"{objectName}/count_enter"]);
    }

    [Fact]
    public async Task AddHostedCounterBpf_AttachFails_StartFailsNamingTheProgramAndTheCause()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = "counter-" + Guid.NewGuid().ToString("N")[..8];
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddBpfChannels().AddHostedCounterBpf(bpf =>
        {
            bpf.ObjectName = objectName;
            bpf.Attach(p => p.CountEnter, program => program.AttachRawTracepoint("bpfchannels_no_such_tracepoint"));
        });
        using IHost host = builder.Build();

        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith($"Attaching program 'count_enter' of BPF object '{objectName}' at start-up failed: ", e.Message, StringComparison.Ordinal);
        BpfException cause = Assert.IsType<BpfException>(e.InnerException);
        Assert.Equal(BpfError.NotFound, cause.Error);
        Assert.Contains(cause.Message, e.Message, StringComparison.Ordinal);
        Assert.Empty(host.Services.GetRequiredService<BpfProgramLinks>().Attached);
    }

    [Fact]
    public void Attach_SelectorReturningNoProgram_ThrowsNamingAProgram()
    {
        var services = new ServiceCollection();
        BpfChannelsBuilder builder = services.AddBpfChannels();

        ArgumentException e = Assert.Throws<ArgumentException>(() => builder.AddHostedCounterBpf(bpf => bpf.Attach(_ => null!)));

        Assert.Contains("p => p.CountEnter", e.Message, StringComparison.Ordinal);
    }
}
