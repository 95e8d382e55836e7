using BpfChannels;
using BpfChannels.ExampleConsole;
using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SyscallCounter;

/// <summary>
/// Writes the ignore list into the kernel with NoExist updates, attaches the counting program, follows the counts
/// map's change stream into the top-N table and shows it at the poll interval: a live view on a terminal, a block of
/// plain lines per interval when the output is redirected.
/// </summary>
internal sealed partial class SyscallCounterWorker(
    SyscallCounterBpf bpf,
    [FromKeyedServices(SyscallCounterBpf.MapName.Counts)] MapChannel<uint, SyscallCounterBpf.ProcessSyscalls> counts,
    [FromKeyedServices(SyscallCounterBpf.MapName.Ignored)] MapChannel<uint, byte> ignored,
    TopTable table,
    SyscallCounterStatus status,
    IOptions<SyscallCounterOptions> options,
    IOptions<BpfChannelsOptions> channelOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<SyscallCounterWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SyscallCounterOptions settings = options.Value;
        BpfLink? link = null;
        IDisposable follow;
        try
        {
            // The ignore list goes in before the program is attached, so ignored processes are never counted.
            foreach (int pid in IgnoredProcesses(settings))
            {
                MapWriteOutcome<uint, byte> outcome = await ignored.WriteAsync(MapWrite.Update((uint)pid, (byte)1, BpfMapUpdateFlags.NoExist), stoppingToken).ConfigureAwait(false);
                status.RecordIgnore((uint)pid, outcome.Error);
                LogIgnore(logger, pid, outcome.Error.ToErrnoName());
            }

            link = bpf.Programs.CountSyscalls.Attach(); // SEC("raw_tp/sys_enter")
            follow = table.Follow(counts.Observe());
            status.SetAttached();
        }
        catch (Exception e)
        {
            link?.Dispose();
            status.SetFailed(e);
            throw;
        }

        using (link)
        using (follow)
        {
            TimeSpan interval = channelOptions.Value.GetPollInterval(SyscallCounterBpf.MapName.Counts);
            using var runFor = settings.RunFor is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, runFor.Token);

            if (settings.Render && LiveConsole.IsLive)
            {
                await LiveConsole.RunAsync(() => TopView.Live(table.Top(settings.Top), table.Count, interval), interval, time, stopping.Token).ConfigureAwait(false);
            }
            else
            {
                await PrintAsync(settings, interval, stopping.Token).ConfigureAwait(false);
            }

            if (!stoppingToken.IsCancellationRequested)
            {
                lifetime.StopApplication(); // RunFor has passed
            }
        }
    }

    /// <summary>Redirected output: the table as a block of plain lines at every poll interval.</summary>
    private async Task PrintAsync(SyscallCounterOptions settings, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                if (settings.Render)
                {
                    Console.Write(TopView.Plain(table.Top(settings.Top), table.Count, time.GetLocalNow()));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the link detaches as the caller's using block ends.
        }
    }

    private static IEnumerable<int> IgnoredProcesses(SyscallCounterOptions settings)
    {
        var pids = new SortedSet<int>(settings.IgnorePids);
        if (settings.IgnoreSelf)
        {
            _ = pids.Add(Environment.ProcessId);
        }

        pids.UnionWith(SyscallCounterApp.FindProcesses(settings.IgnoreCommands));
        return pids;
    }

    [LoggerMessage(1, LogLevel.Information, "Ignoring process {Pid}: {Outcome}.")]
    private static partial void LogIgnore(ILogger logger, int pid, string outcome);
}
