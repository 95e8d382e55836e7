using BpfChannels.Hosting;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds BpfChannels (map channels polled by a hosted service) to a service collection.</summary>
public static class BpfChannelsServiceCollectionExtensions
{
    /// <summary>Adds the BpfChannels services with default options.</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to register map channels and map sources.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Calling it more than once adds the services once; each call returns a builder over the same collection.</remarks>
    public static BpfChannelsBuilder AddBpfChannels(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(BpfChannelRegistry)))
        {
            services.AddOptions<BpfChannelsOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BpfChannelsOptions>, BpfChannelsOptionsValidator>());
            services.TryAddSingleton(TimeProvider.System);

            // Every instrument, events included, lives on the one BpfChannels meter of the application's factory.
            services.AddMetrics();
            services.TryAddSingleton(sp => new MapLocator(sp, sp.GetServices<BpfMapSource>()));
            services.TryAddSingleton(sp => new BpfChannelsMetrics(sp.GetRequiredService<IMeterFactory>(), () => sp.GetService<BpfChannelRegistry>()));
            services.TryAddSingleton(sp => new BpfChannelRegistry(
                sp.GetServices<MapChannelRegistration>(),
                sp.GetRequiredService<MapLocator>(),
                sp.GetRequiredService<IOptionsMonitor<BpfChannelsOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<BpfChannelsMetrics>(),
                sp.GetService<ILoggerFactory>()));
            services.TryAddSingleton<BpfChannelsHealthCheck>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BpfChannelsPollingService>(sp => new BpfChannelsPollingService(
                sp.GetRequiredService<BpfChannelRegistry>(),
                sp.GetRequiredService<IOptionsMonitor<BpfChannelsOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<BpfChannelsPollingService>>())));
        }

        return new BpfChannelsBuilder(services);
    }

    /// <summary>Adds the BpfChannels services and configures their options in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to register map channels and map sources.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static BpfChannelsBuilder AddBpfChannels(this IServiceCollection services, Action<BpfChannelsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        BpfChannelsBuilder builder = services.AddBpfChannels();
        services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the BpfChannels services with options bound from configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section to bind, usually <c>configuration.GetSection("BpfChannels")</c>.</param>
    /// <returns>A builder to register map channels and map sources.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static BpfChannelsBuilder AddBpfChannels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        BpfChannelsBuilder builder = services.AddBpfChannels();
        services.AddOptions<BpfChannelsOptions>().Bind(configuration);
        return builder;
    }

    /// <summary>Adds a health check reporting each map channel's state: waiting for its map, polling, idle, stale, failing or reopening.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported for channels that fail (polls, or reopening a map that went away) <see cref="BpfChannelsOptions.UnhealthyAfterFailures"/> times in a row; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags of the check.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Needs <see cref="AddBpfChannels(IServiceCollection)"/>.</remarks>
    public static IHealthChecksBuilder AddBpfChannels(this IHealthChecksBuilder builder, string name = "bpfchannels", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => sp.GetRequiredService<BpfChannelsHealthCheck>(), failureStatus, tags));
    }
}
