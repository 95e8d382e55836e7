using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ExecWatch;

/// <summary>Runs the pipeline (the exec tracepoint program is attached at start by AddExecWatchBpf), printing one line per exec.</summary>
internal sealed class ExecWatchWorker(ExecWatchBpf bpf, ExecPipeline pipeline, IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool quiet = configuration.GetValue<bool>("ExecWatch:Quiet");
        if (!quiet)
        {
            Console.WriteLine($"{"PID",8} {"PPID",8} {"UID",6}  {"COMMAND",-16} FILE / ARGUMENTS");
        }

        try
        {
            await pipeline.RunAsync(bpf, quiet ? static _ => { } : Print, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the program is detached when the host stops.
        }
    }

    private static void Print(EnrichedExec e) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Pid,8} {e.ParentPid,8} {e.Uid,6}  {e.Command,-16} {e.Filename} {(e.CommandLine.Length > 0 ? "[" + e.CommandLine + "]" : string.Empty)}"));
}
