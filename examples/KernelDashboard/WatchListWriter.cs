using BpfChannels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KernelDashboard;

/// <summary>
/// Writes the configured watch list with NoExist when the host starts (the object is loaded and its program attached
/// by then: <c>AddKernelDashboardBpf</c> attaches it), logging each write's outcome.
/// </summary>
internal sealed partial class WatchListWriter(
    [FromKeyedServices(KernelDashboardBpf.MapName.Watched)] MapChannel<uint, ulong> watched,
    IOptions<DashboardOptions> options,
    ILogger<WatchListWriter> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string entry in options.Value.Watch)
        {
            _ = SyscallTable.TryParse(entry, out uint number); // the options validator has checked every entry
            MapWriteOutcome<uint, ulong> outcome = await DashboardApp.WatchAsync(watched, number, cancellationToken).ConfigureAwait(false);
            LogWatch(logger, entry, number, outcome.Succeeded ? "watching" : outcome.Error.ToErrnoName());
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch {Entry} ({Number}): {Outcome}.")]
    private static partial void LogWatch(ILogger logger, string entry, uint number, string outcome);
}
