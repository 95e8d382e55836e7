using System.Globalization;
using System.Text;
using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SyscallCounter;

/// <summary>
/// Attaches the counting program, writes the ignore list into the kernel with NoExist updates, follows the counts
/// map's change stream into the top-N table and redraws it at the poll interval.
/// </summary>
internal sealed partial class SyscallCounterWorker(
    SyscallCounterBpf bpf,
    [FromKeyedServices(SyscallCounterBpf.MapName.Counts)] MapChannel<uint, ulong> counts,
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
            long started = time.GetTimestamp();
            try
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (settings.RunFor is { } runFor && time.GetElapsedTime(started) >= runFor)
                    {
                        lifetime.StopApplication();
                        break;
                    }

                    await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                    if (settings.Render)
                    {
                        Console.Write(Render(table.Top(settings.Top)));
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the link detaches as the using block ends.
            }
        }
    }

    /// <summary>The table as the console shows it, cleared and redrawn.</summary>
    internal static string Render(IReadOnlyList<(uint Pid, ulong Count)> top)
    {
        var text = new StringBuilder("\u001b[H\u001b[2J");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"PID",8}  {"COMMAND",-16}  {"SYSCALLS",12}");
        foreach ((uint pid, ulong count) in top)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{pid,8}  {Command(pid),-16}  {count,12}");
        }

        return text.ToString();
    }

    private static string Command(uint pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "(exited)";
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
