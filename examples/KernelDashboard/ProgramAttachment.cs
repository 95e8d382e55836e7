using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KernelDashboard;

/// <summary>
/// Attaches the counting program to the <c>sys_enter</c> raw tracepoint when the host starts (the object is
/// loaded by then), writes the configured watch list with NoExist, and detaches when the host stops.
/// </summary>
internal sealed partial class ProgramAttachment(
    KernelDashboardBpf bpf,
    [FromKeyedServices(KernelDashboardBpf.MapName.Watched)] MapChannel<uint, ulong> watched,
    IOptions<DashboardOptions> options,
    ILogger<ProgramAttachment> logger) : IHostedService, IDisposable
{
    private BpfLink? _link;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _link = bpf.Programs.CountWatched.Attach(); // SEC("raw_tp/sys_enter")
        LogAttached(logger, bpf.Programs.CountWatched.Program.Name);
        foreach (string entry in options.Value.Watch)
        {
            _ = SyscallTable.TryParse(entry, out uint number); // the options validator has checked every entry
            MapWriteOutcome<uint, ulong> outcome = await DashboardApp.WatchAsync(watched, number, cancellationToken).ConfigureAwait(false);
            LogWatch(logger, entry, number, outcome.Succeeded ? "watching" : outcome.Error.ToErrnoName());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _link, null)?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Attached {Program} to the sys_enter raw tracepoint.")]
    private static partial void LogAttached(ILogger logger, string program);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch {Entry} ({Number}): {Outcome}.")]
    private static partial void LogWatch(ILogger logger, string entry, uint number, string outcome);
}
