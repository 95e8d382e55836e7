using BpfChannels.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BpfChannels.Hosting.Tests;

/// <summary>Programs attached at start from configuration or code, detached at stop, reported by health.</summary>
public sealed class ProgramAttachTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] entries) => new ConfigurationBuilder()
        .AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>($"BpfChannels:Objects:probes:Attach:{e.Key}", e.Value)))
        .Build()
        .GetSection(BpfChannelsOptions.SectionName);

    private static void Spin(int milliseconds)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < milliseconds)
        {
        }
    }

    [Fact]
    public async Task AttachPrograms_FromConfiguration_AttachedAtStartDetachedAtStopHealthListsEachLink()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("probes", "hosted_attach.bpf.o").AttachPrograms(Configuration(
            ("0:Program", "count_enter"),
            ("1:Program", "sample"),
            ("1:Target", "cpu-clock@99Hz")));
        fixture.Channels.Services.AddHealthChecks().AddBpfProgramLinks();
        await fixture.StartAsync();

        BpfObject obj = fixture.Services.GetRequiredService<BpfObjectHost>().GetObject("probes");
        BpfMap<uint, ulong> counts = obj.GetMap<uint, ulong>("counts");
        obj.GetMap<uint, uint>("watched")[0] = (uint)Environment.ProcessId;
        BpfProgramLinks links = fixture.Services.GetRequiredService<BpfProgramLinks>();
        Assert.Equal(["count_enter", "sample"], links.Attached.Select(a => a.ProgramName));
        Assert.Equal("cpu-clock@99Hz", links.Attached[1].Target);

        for (int i = 0; i < 10; i++)
        {
            _ = File.Exists("/proc/self/stat");
        }

        Spin(300);
        Assert.True(counts[0] >= 10, $"{counts[0]} system calls counted, at least 10 made");
        Assert.True(counts[1] > 0, "no perf sample in 300 ms of busy loop at 99 Hz");

        HealthReport healthy = await fixture.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        HealthReportEntry entry = healthy.Entries["bpfprograms"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.StartsWith("attached: raw_tp/sys_enter <- count_enter", (string)entry.Data["probes/count_enter"], StringComparison.Ordinal);
        Assert.Contains("99 Hz on every cpu", (string)entry.Data["probes/sample -> cpu-clock@99Hz"], StringComparison.Ordinal);

        BpfLink[] held = [.. links.Attached.Select(a => a.Link)];
        await fixture.StopAsync();
        Assert.All(held, link => Assert.True(link.IsDisposed));
        Assert.Empty(links.Attached);
        ulong stopped = counts[0];
        _ = File.Exists("/proc/self/stat");
        Assert.Equal(stopped, counts[0]);

        HealthReport after = await fixture.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, after.Entries["bpfprograms"].Status);
        Assert.Equal("not attached", after.Entries["bpfprograms"].Data["probes/count_enter"]);
    }

    [Fact]
    public async Task AttachPrograms_ObjectReloaded_LinkMovesToTheNewObjectsProgram()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("probes", "hosted_attach.bpf.o").AttachPrograms(Configuration(("0:Program", "count_enter")));
        await fixture.StartAsync();
        BpfObjectHost objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        BpfProgramLinks links = fixture.Services.GetRequiredService<BpfProgramLinks>();
        BpfLink before = Assert.Single(links.Attached).Link;

        BpfObject reloaded = objects.Reload("probes");

        Assert.True(before.IsDisposed);
        BpfAttachedProgram after = Assert.Single(links.Attached);
        Assert.False(after.Link.IsDisposed);
        uint programId = BpfProgramInfo.FromHandle(reloaded.GetProgram("count_enter").Handle).Id;
        Assert.Contains(BpfLinkInfo.GetAll(), l => l.ProgramId == programId);

        BpfMap<uint, ulong> counts = reloaded.GetMap<uint, ulong>("counts");
        reloaded.GetMap<uint, uint>("watched")[0] = (uint)Environment.ProcessId;
        for (int i = 0; i < 10; i++)
        {
            _ = File.Exists("/proc/self/stat");
        }

        Assert.True(counts[0] >= 10, $"{counts[0]} system calls counted by the reloaded object's program, at least 10 made");
    }

    [Fact]
    public async Task AttachProgram_FromCode_AttachesAtStart()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("probes", "hosted_attach.bpf.o").AttachProgram("probes", "count_enter");
        await fixture.StartAsync();
        BpfAttachedProgram attached = Assert.Single(fixture.Services.GetRequiredService<BpfProgramLinks>().Attached);
        Assert.Equal("raw_tp/sys_enter <- count_enter", attached.Link.Description);
        Assert.False(attached.Link.IsDisposed);
    }

    [Fact]
    public async Task AttachPrograms_UnknownProgram_StartFailsNamingProgramAndCause()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("probes", "hosted_attach.bpf.o").AttachPrograms(Configuration(("0:Program", "count_enter"), ("1:Program", "no_such_program")));
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(fixture.StartAsync);
        Assert.Contains("program 'no_such_program' of BPF object 'probes'", e.Message, StringComparison.Ordinal);
        Assert.Contains("BPF object 'probes' has no program 'no_such_program'; it has: count_enter, sample.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachPrograms_PerfEventWithoutTarget_StartFailsSayingWhatTargetItNeeds()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("probes", "hosted_attach.bpf.o").AttachPrograms(Configuration(("0", "count_enter"), ("1", "sample")));
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(fixture.StartAsync);
        Assert.Contains("program 'sample' of BPF object 'probes'", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs a perf event", e.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public async Task AttachPrograms_BadTarget_StartFailsWithTheTargetCause()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("probes", "hosted_attach.bpf.o").AttachPrograms(Configuration(("0:Program", "sample"), ("0:Target", "cpu-clock@0Hz")));
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(fixture.StartAsync);
        Assert.Contains("to 'cpu-clock@0Hz'", e.Message, StringComparison.Ordinal);
        Assert.Contains("positive sampling rate", e.Message, StringComparison.Ordinal);
    }
}
