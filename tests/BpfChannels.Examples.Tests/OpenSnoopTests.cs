using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using BpfChannels.Hosting;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenSnoop;
using OpenEvent = OpenSnoop.OpenSnoopBpf.OpenEvent;
using ProcessOpens = OpenSnoop.OpenSnoopBpf.ProcessOpens;

namespace BpfChannels.Examples.Tests;

/// <summary>The OpenSnoop example's host, configured from its own appsettings.json, run in-process against the kernel.</summary>
public sealed class OpenSnoopTests
{
    private const int ENOENT = 2;
    private const int O_ACCMODE = 3;
    private const int O_WRONLY = 1;
    private const int O_CREAT = 0x40;

    [Fact]
    public async Task Host_AttachesFromAppSettings_ReportsThisProcessOpens()
    {
        BpfTestEnvironment.RequireBpf();
        using IHost host = BuildHost();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);

        // Attached by the library from BpfChannels:Objects:opensnoop:Attach, with no service of the example's own.
        var links = host.Services.GetRequiredService<BpfProgramLinks>();
        Assert.Equal(
            ["opensnoop/handle_openat_enter", "opensnoop/handle_openat_exit"],
            links.Attached.Select(a => $"{a.ObjectName}/{a.ProgramName}"));
        // The example's assembly holds the generated bindings (whose own hosted service attaches what their Attach() names,
        // here nothing) and no hosted service written by hand.
        Assert.DoesNotContain(
            host.Services.GetServices<IHostedService>(),
            s => s.GetType().Assembly == typeof(OpenSnoopApp).Assembly && s.GetType().DeclaringType != typeof(OpenSnoopBpf));

        uint self = (uint)Environment.ProcessId;
        string missing = $"/tmp/bpfchannels-opensnoop-missing-{Guid.NewGuid():N}";
        string created = Path.Combine(Path.GetTempPath(), $"bpfchannels-opensnoop-{Guid.NewGuid():N}");
        var view = host.Services.GetRequiredService<OpenSnoopView>();
        var ring = host.Services.GetRequiredService<BpfRingBufferHost>();
        var opens = host.Services.GetRequiredKeyedService<MapChannel<uint, ProcessOpens>>(OpenSnoopBpf.MapName.Opens);
        Task<OpenEvent> missingSeen = ring.Observe<OpenEvent>(OpenSnoopBpf.MapName.Events)
            .FirstAsync(e => e.Pid == self && e.FilenameAsString() == missing).ToTask(timeout.Token);
        Task<OpenEvent> createdSeen = ring.Observe<OpenEvent>(OpenSnoopBpf.MapName.Events)
            .FirstAsync(e => e.Pid == self && e.FilenameAsString() == created).ToTask(timeout.Token);
        using IDisposable follow = view.Follow(ring.Observe<OpenEvent>(OpenSnoopBpf.MapName.Events), opens.Observe(), writeLine: null);
        ulong failuresBefore = view.TryGetTotals(self, out ProcessOpens before) ? before.Failures : 0;
        try
        {
            Assert.Throws<FileNotFoundException>(() => File.OpenRead(missing));
            File.WriteAllText(created, "opened by the test");

            OpenEvent failed = await missingSeen;
            Assert.Equal(-ENOENT, failed.Ret);
            Assert.Equal("ENOENT", OpenSnoopView.ErrorName(failed.Ret));
            Assert.Equal(ParentPid(), failed.Ppid); // the CO-RE read of task->real_parent->tgid
            Assert.Equal(0, failed.Flags & O_ACCMODE); // O_RDONLY
            Assert.Contains(missing, OpenSnoopView.Format(failed), StringComparison.Ordinal);

            OpenEvent opened = await createdSeen;
            Assert.True(opened.Ret >= 0, $"openat({created}) returned {opened.Ret}");
            Assert.Equal(O_WRONLY, opened.Flags & O_ACCMODE);
            Assert.Equal(O_CREAT, opened.Flags & O_CREAT);
            Assert.Equal(ParentPid(), opened.Ppid);

            // The totals arrive through the hosted map channel's change stream, named after the main thread.
            string name = File.ReadAllText("/proc/self/comm").TrimEnd('\n');
            ProcessOpens totals;
            while (!view.TryGetTotals(self, out totals) || totals.Failures <= failuresBefore || totals.CommAsString() != name)
            {
                await Task.Delay(20, timeout.Token);
            }

            Assert.True(totals.Opens >= 2, $"{totals.Opens} opens");
            Assert.True(opens.TryGet(self, out ProcessOpens cached) && cached.Opens >= totals.Opens);
        }
        finally
        {
            File.Delete(created);
        }

        await host.StopAsync(timeout.Token);
        Assert.Empty(links.Attached);
    }

    [Fact]
    public void Apply_FailedOnly_KeepsOnlyFailures()
    {
        var view = new OpenSnoopView(Microsoft.Extensions.Options.Options.Create(new OpenSnoopOptions { FailedOnly = true }));
        Assert.False(view.Apply(new OpenEvent { Ret = 3 }));
        Assert.True(view.Apply(new OpenEvent { Ret = -ENOENT }));
        Assert.Equal(1, view.Shown);
    }

    /// <summary>The host with the example's own appsettings.json (copied beside the tests under another name).</summary>
    private static IHost BuildHost()
    {
        HostApplicationBuilder builder = OpenSnoopApp.CreateBuilder([]);
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "OpenSnoop.appsettings.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["BpfChannels:Maps:opens:PollInterval"] = "00:00:00.050" });
        return builder.Build();
    }

    private static uint ParentPid()
    {
        // "pid (comm) state ppid ...": parse after the last ')', as comm may hold spaces.
        string stat = File.ReadAllText("/proc/self/stat");
        return uint.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
