using System.Globalization;
using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ExecWatch;

/// <summary>Attaches the exec tracepoint program and runs the pipeline, printing one line per exec.</summary>
internal sealed class ExecWatchWorker(BpfObjectHost objects, BpfRingBufferHost ringBuffers, ExecPipeline pipeline, IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool quiet = configuration.GetValue<bool>("ExecWatch:Quiet");
        using BpfLink link = objects.GetObject(ExecWatchApp.ObjectName).GetProgram("on_exec").AttachTracepoint("sched", "sched_process_exec");
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
            // Stopping: the link detaches as the using block ends.
        }
    }

    private static void Print(EnrichedExec e) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Pid,8} {e.ParentPid,8} {e.Uid,6}  {e.Command,-16} {e.Filename} {(e.CommandLine.Length > 0 ? "[" + e.CommandLine + "]" : string.Empty)}"));
}
