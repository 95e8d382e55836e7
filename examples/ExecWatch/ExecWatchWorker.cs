using System.Globalization;
using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ExecWatch;

/// <summary>Runs the pipeline, printing one line per exec (the host attached the program at start, from configuration).</summary>
internal sealed class ExecWatchWorker(BpfRingBufferHost ringBuffers, ExecPipeline pipeline, IConfiguration configuration) : BackgroundService
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
            await pipeline.RunAsync(ringBuffers, quiet ? static _ => { } : Print, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the host detaches the program after the worker stops.
        }
    }

    private static void Print(EnrichedExec e) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Pid,8} {e.ParentPid,8} {e.Uid,6}  {e.Command,-16} {e.Filename} {(e.CommandLine.Length > 0 ? "[" + e.CommandLine + "]" : string.Empty)}"));
}
