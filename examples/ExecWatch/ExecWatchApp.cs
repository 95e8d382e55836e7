using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecWatch;

/// <summary>Builds the ExecWatch host: the BPF object, its ring buffer and the pipeline worker.</summary>
public static class ExecWatchApp
{
    public const string ObjectName = "exec";

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddBpfChannels(builder.Configuration.GetSection(BpfChannelsOptions.SectionName))
            .AddEmbeddedObject(ObjectName, typeof(ExecWatchApp).Assembly, "exec_watch.bpf.o")
            .AddRingBuffer<ExecEvent>("events");
        builder.Services.AddSingleton<ExecPipeline>();
        builder.Services.AddHostedService<ExecWatchWorker>();
        return builder;
    }
}
