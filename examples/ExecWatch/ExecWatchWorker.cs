using BpfChannels.ExampleConsole;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ExecWatch;

/// <summary>
/// Runs the pipeline (the exec tracepoint program is attached at start by AddExecWatchBpf) and shows its output: a live
/// table of the latest execs on a terminal, one plain line per exec when the output is redirected.
/// </summary>
internal sealed class ExecWatchWorker(ExecWatchBpf bpf, ExecPipeline pipeline, IConfiguration configuration, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (configuration.GetValue<bool>("ExecWatch:Quiet"))
            {
                await pipeline.RunAsync(bpf, static _ => { }, stoppingToken).ConfigureAwait(false);
            }
            else if (LiveConsole.IsLive)
            {
                var view = new ExecWatchView();
                Task live = LiveConsole.RunAsync(view.Render, TimeSpan.FromMilliseconds(250), time, stoppingToken);
                await pipeline.RunAsync(bpf, view.Add, stoppingToken).ConfigureAwait(false);
                await live.ConfigureAwait(false);
            }
            else
            {
                Console.WriteLine(ExecWatchView.Header);
                await pipeline.RunAsync(bpf, e => Console.WriteLine(ExecWatchView.Format(e)), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the program is detached when the host stops.
        }
    }
}
