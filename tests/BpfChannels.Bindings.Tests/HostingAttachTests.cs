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
    public async Task Reload_XdpLinkOnAnInterface_OldLinkGoesFirstAndTheNewObjectsProgramIsAttached()
    {
        BpfTestEnvironment.RequireBpf();
        string objectName = "xdp-" + Guid.NewGuid().ToString("N")[..8];
        string device = "bcx" + Guid.NewGuid().ToString("N")[..8]; // unique per run: other tests share the kernel
        Ip("link", "add", device, "type", "veth", "peer", "name", device + "p");
        try
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder();
            builder.Services.AddBpfChannels().AddXdpPassBpf(bpf =>
            {
                bpf.ObjectName = objectName;
                bpf.Attach(p => p.Pass, device);
            });
            using IHost host = builder.Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            try
            {
                BpfProgramLinks links = host.Services.GetRequiredService<BpfProgramLinks>();
                BpfLink before = Assert.Single(links.Attached).Link;

                // XDP takes one link per interface: attaching the new object's program first fails with EBUSY.
                BpfObject reloaded = host.Services.GetRequiredService<BpfObjectHost>().Reload(objectName);

                BpfAttachedProgram after = Assert.Single(links.Attached);
                Assert.True(before.IsDisposed);
                Assert.False(after.Link.IsDisposed);
                Assert.Equal(device, after.Target);
                uint programId = BpfProgramInfo.FromHandle(reloaded.GetProgram(XdpPassBpf.ProgramName.Pass).Handle).Id;
                Assert.Contains(BpfLinkInfo.GetAll(), l => l.ProgramId == programId);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            Ip("link", "del", device); // and its peer
        }
    }

    [Fact]
    public void Attach_SelectorReturningNoProgram_ThrowsNamingAProgram()
    {
        var services = new ServiceCollection();
        BpfChannelsBuilder builder = services.AddBpfChannels();

        ArgumentException e = Assert.Throws<ArgumentException>(() => builder.AddHostedCounterBpf(bpf => bpf.Attach(_ => null!)));

        Assert.Contains("p => p.CountEnter", e.Message, StringComparison.Ordinal);
    }

    private static void Ip(params string[] arguments)
    {
        using var ip = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ip", arguments) { RedirectStandardError = true })!;
        string error = ip.StandardError.ReadToEnd();
        ip.WaitForExit();
        Assert.True(ip.ExitCode == 0, $"ip {string.Join(' ', arguments)} failed: {error}");
    }
}
