using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>Registers BPF objects whose maps become channels: from a file or from a resource embedded in an assembly.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class BpfChannelsBuilderObjectExtensions
{
    /// <summary>Loads the BPF object at <paramref name="path"/> when the host starts; its maps serve channels registered by name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The object's name in the host.</param>
    /// <param name="path">The .bpf.o file (relative paths are relative to the application's directory).</param>
    /// <param name="configure">Sets pinning and the before/after-load steps, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="path"/> is empty, or the name is taken.</exception>
    public static BpfChannelsBuilder AddObject(this BpfChannelsBuilder builder, string name, string path, Action<BpfObjectRegistration>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        return Add(builder, name, options => BpfObject.Open(full, options), configure);
    }

    /// <summary>Loads a BPF object embedded as a resource (the <c>BpfProgram</c> item with <c>Embed="true"</c>), so the app ships as one binary.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The object's name in the host.</param>
    /// <param name="assembly">The assembly holding the resource.</param>
    /// <param name="resourceName">The resource name, for example <c>probe.bpf.o</c>.</param>
    /// <param name="configure">Sets pinning and the before/after-load steps, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An argument is empty, or the name is taken.</exception>
    public static BpfChannelsBuilder AddEmbeddedObject(this BpfChannelsBuilder builder, string name, Assembly assembly, string resourceName, Action<BpfObjectRegistration>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceName);
        return Add(builder, name, options => BpfObject.OpenResource(assembly, resourceName, options), configure);
    }

    private static BpfChannelsBuilder Add(BpfChannelsBuilder builder, string name, Func<BpfObjectOptions, BpfObject> open, Action<BpfObjectRegistration>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        IServiceCollection services = builder.Services;
        var registration = new BpfObjectRegistration(name, open);
        configure?.Invoke(registration);
        HostedRegistration.Add(services, registration, BpfObjectRegistration.Kind);
        if (!services.Any(d => d.ServiceType == typeof(BpfObjectHost)))
        {
            services.AddSingleton(sp => new BpfObjectHost(sp.GetServices<BpfObjectRegistration>(), sp.GetRequiredService<IOptions<BpfChannelsOptions>>(), sp.GetService<ILoggerFactory>()));
            builder.AddMapSource((sp, mapName) => sp.GetRequiredService<BpfObjectHost>().FindMap(mapName));

            // Load before the polling service starts: inserted ahead of it among the hosted services.
            var loader = ServiceDescriptor.Singleton<IHostedService, BpfObjectLoaderService>(sp => new BpfObjectLoaderService(sp.GetRequiredService<BpfObjectHost>()));
            int first = services.ToList().FindIndex(d => d.ServiceType == typeof(IHostedService));
            if (first < 0)
            {
                services.Add(loader);
            }
            else
            {
                services.Insert(first, loader);
            }
        }

        return builder;
    }
}
