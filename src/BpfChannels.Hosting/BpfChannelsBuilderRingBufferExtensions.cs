using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Hosting;

/// <summary>Registers ring buffers whose records reach subscribers through <see cref="BpfRingBufferHost"/>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class BpfChannelsBuilderRingBufferExtensions
{
    /// <summary>Reads the ring buffer map <paramref name="name"/> while the host runs, as records of <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The record type, laid out as the BPF program writes it.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The map's name in a registered BPF object, or any name when <paramref name="mapFactory"/> is given.</param>
    /// <param name="mapFactory">Supplies the ring buffer map (it stays the caller's), or <see langword="null"/> to find it in the registered objects.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    public static BpfChannelsBuilder AddRingBuffer<T>(this BpfChannelsBuilder builder, string name, Func<IServiceProvider, BpfMap>? mapFactory = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        IServiceCollection services = builder.Services;
        HostedRegistration.Add<BpfRingBufferRegistration>(services, new BpfRingBufferRegistration<T>(name, mapFactory), BpfRingBufferRegistration.Kind);
        if (!services.Any(d => d.ServiceType == typeof(BpfRingBufferHost)))
        {
            services.AddSingleton(sp => new BpfRingBufferHost(sp.GetServices<BpfRingBufferRegistration>(), sp.GetRequiredService<MapLocator>(), sp.GetRequiredService<IMeterFactory>(), sp.GetService<BpfObjectHost>()));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<BpfRingBufferHost>());
        }

        return builder;
    }
}
