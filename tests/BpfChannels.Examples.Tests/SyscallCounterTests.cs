using System.Diagnostics;
using BpfChannels.Hosting;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SyscallCounter;

namespace BpfChannels.Examples.Tests;

/// <summary>The SyscallCounter example's host, run in-process against the kernel.</summary>
public sealed class SyscallCounterTests
{
    [Fact]
    public async Task Host_CountsThisProcess_IgnoresConfiguredProcess()
    {
        BpfTestEnvironment.RequireBpf();
        string sleep = BpfTestEnvironment.RequireTool("sleep");
        using Process busy = Process.Start(new ProcessStartInfo("yes") { RedirectStandardOutput = true })!;
        try
        {
            HostApplicationBuilder builder = SyscallCounterApp.CreateBuilder([]);
            // The test output folder holds one appsettings.json for all the examples it references: configure only what this test needs.
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SyscallCounter:Render"] = "false",
                ["SyscallCounter:IgnorePids:0"] = busy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["BpfChannels:Maps:counts:PollInterval"] = "00:00:00.050",
            });
            using IHost host = builder.Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
            var status = host.Services.GetRequiredService<SyscallCounterStatus>();
            await status.Attached.WaitAsync(timeout.Token);
            Assert.Equal(BpfError.None, status.IgnoreOutcomes[(uint)busy.Id]);

            var table = host.Services.GetRequiredService<TopTable>();
            uint self = (uint)Environment.ProcessId;
            ulong first = await WaitForCountAsync(table, self, 1, timeout.Token);
            for (int i = 0; i < 200; i++)
            {
                _ = File.Exists("/proc/self/status"); // a system call each
            }

            ulong later = await WaitForCountAsync(table, self, first + 200, timeout.Token);
            Assert.True(later >= first + 200);

            // The program records the name: a process that has exited is still named (by its main thread).
            using (Process child = Process.Start(sleep, "0.05"))
            {
                await child.WaitForExitAsync(timeout.Token);
                Assert.False(Directory.Exists($"/proc/{child.Id}"));
                TopRow row;
                while (!table.TryGet((uint)child.Id, out row) || row.Command != "sleep")
                {
                    await Task.Delay(20, timeout.Token);
                }

                Assert.True(row.Syscalls > 0);
            }

            // `yes` writes without pause, yet it was ignored before the program was attached.
            Assert.False(table.TryGet((uint)busy.Id, out _));
            var ignored = host.Services.GetRequiredKeyedService<MapChannel<uint, byte>>(SyscallCounterBpf.MapName.Ignored);
            MapWriteOutcome<uint, byte> again = await ignored.WriteAsync(MapWrite.Update((uint)busy.Id, (byte)1, BpfMapUpdateFlags.NoExist), timeout.Token);
            Assert.Equal(BpfError.AlreadyExists, again.Error);
            Assert.Contains(table.Top(50), row => row.Pid == self);

            await host.StopAsync(timeout.Token);
        }
        finally
        {
            busy.Kill();
        }
    }

    [Fact]
    public void Plain_TopRows_BusiestFirstWithNamesAndNoEscapeCodes()
    {
        string text = TopView.Plain([new TopRow(1, "init", 300), new TopRow(2, "sshd", 20)], processes: 5, DateTimeOffset.UnixEpoch);
        int first = text.IndexOf("init                       300", StringComparison.Ordinal);
        int second = text.IndexOf("sshd                        20", StringComparison.Ordinal);
        Assert.True(first > 0 && second > first, text);
        Assert.Contains("top 2 of 5 processes", text);
        Assert.DoesNotContain('\u001b', text);
    }

    private static async Task<ulong> WaitForCountAsync(TopTable table, uint pid, ulong atLeast, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (table.TryGet(pid, out TopRow row) && row.Syscalls >= atLeast)
            {
                return row.Syscalls;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
