using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecWatch;

/// <summary>Builds the ExecWatch host: the BPF object through its generated bindings (attached at start) and the pipeline worker.</summary>
public static class ExecWatchApp
{
    public const string ObjectName = "exec";

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddBpfChannels(builder.Configuration.GetSection(BpfChannelsOptions.SectionName))
            .AddExecWatchBpf(bpf =>
            {
                bpf.ObjectName = ObjectName;
                bpf.Attach(p => p.OnExec); // SEC("tracepoint/sched/sched_process_exec"), detached at stop
            });
        builder.Services.AddSingleton<ExecPipeline>();
        builder.Services.AddHostedService<ExecWatchWorker>();
        return builder;
    }
}
