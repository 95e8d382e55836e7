using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecWatch;

/// <summary>
/// Builds the ExecWatch host: the BPF object, whose exec program the host attaches from appsettings.json
/// (BpfChannels:Objects:exec:Attach), its ring buffer and the pipeline worker.
/// </summary>
public static class ExecWatchApp
{
    public const string ObjectName = "exec";

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        IConfigurationSection bpf = builder.Configuration.GetSection(BpfChannelsOptions.SectionName);
        builder.Services.AddBpfChannels(bpf)
            .AddEmbeddedObject(ObjectName, typeof(ExecWatchApp).Assembly, "exec_watch.bpf.o")
            .AttachPrograms(bpf)
            .AddRingBuffer<ExecEvent>("events");
        builder.Services.AddSingleton<ExecPipeline>();
        builder.Services.AddHostedService<ExecWatchWorker>();
        return builder;
    }
}
