using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenEvent = OpenSnoop.OpenSnoopBpf.OpenEvent;

namespace OpenSnoop;

/// <summary>
/// Builds the OpenSnoop host, with no hosted service of its own: the object through its generated bindings, its
/// programs attached from BpfChannels:Objects:opensnoop:Attach in appsettings.json, the per-process totals as a map
/// channel and the open records as a hosted ring buffer.
/// </summary>
public static class OpenSnoopApp
{
    /// <summary>The object's registration name: the key of its section under BpfChannels:Objects.</summary>
    public const string ObjectName = "opensnoop";

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddOptions<OpenSnoopOptions>()
            .Bind(builder.Configuration.GetSection(OpenSnoopOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OpenSnoopOptions>, OpenSnoopOptionsValidator>();
        IConfigurationSection bpfChannels = builder.Configuration.GetSection(BpfChannelsOptions.SectionName);
        builder.Services.AddBpfChannels(bpfChannels)
            .AddOpenSnoopBpf(bpf =>
            {
                bpf.ObjectName = ObjectName;
                bpf.WithChannel(m => m.Opens); // kernel -> .NET: pid -> opens, failures, name
            })
            .AttachPrograms(bpfChannels)       // Objects:opensnoop:Attach: attached at start, detached at stop
            .AddRingBuffer<OpenEvent>(OpenSnoopBpf.MapName.Events); // one record per openat(), read by epoll
        builder.Services.AddSingleton<OpenSnoopView>();
        return builder;
    }
}
