using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// Attaches programs of hosted BPF objects when the host starts and detaches them when it stops, from code or from the
/// <c>Objects:&lt;name&gt;:Attach</c> configuration, so an application needs no service of its own to hold a link.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class BpfChannelsBuilderAttachExtensions
{
    /// <summary>Attaches <paramref name="program"/> of the object registered as <paramref name="objectName"/> at start.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="objectName">The object's registration name (<see cref="BpfChannelsBuilderObjectExtensions.AddObject"/>).</param>
    /// <param name="program">The program's name.</param>
    /// <param name="target">The target the section does not say (see <see cref="BpfProgram.Attach(string)"/>), or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The object or program name is empty, or the target is blank.</exception>
    public static BpfChannelsBuilder AttachProgram(this BpfChannelsBuilder builder, string objectName, string program, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectName);
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        if (target is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(target);
        }

        AddServices(builder.Services);
        builder.Services.Configure<BpfProgramAttachOptions>(o => ObjectOptions(o, objectName).Attach.Add(new BpfProgramAttachment { Program = program, Target = target }));
        return builder;
    }

    /// <summary>
    /// Attaches <paramref name="program"/> of the object registered as <paramref name="objectName"/> at start with
    /// <paramref name="attach"/> (a typed attach method with arguments a target string cannot say), and again with the new
    /// object's program after each reload.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="objectName">The object's registration name (<see cref="BpfChannelsBuilderObjectExtensions.AddObject"/>).</param>
    /// <param name="program">The program's name.</param>
    /// <param name="attach">Attaches the program and returns its link (the host disposes it at stop).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The object or program name is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="attach"/> is <see langword="null"/>.</exception>
    public static BpfChannelsBuilder AttachProgram(this BpfChannelsBuilder builder, string objectName, string program, Func<BpfProgram, BpfLink> attach)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectName);
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        ArgumentNullException.ThrowIfNull(attach);
        AddServices(builder.Services);
        builder.Services.Configure<BpfProgramAttachOptions>(o => ObjectOptions(o, objectName).Attach.Add(new BpfProgramAttachment { Program = program, AttachWith = attach }));
        return builder;
    }

    /// <summary>
    /// Attaches the programs listed under <c>Objects:&lt;name&gt;:Attach</c> of <paramref name="configuration"/> (the
    /// BpfChannels section) at start: each entry a <c>Program</c> and, where the section does not say, a <c>Target</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The BpfChannels configuration section.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>An entry another registration also reads (the generated <c>Add&lt;Class&gt;(configuration)</c>) is attached once.</remarks>
    public static BpfChannelsBuilder AttachPrograms(this BpfChannelsBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        AddServices(builder.Services);
        builder.Services.Configure<BpfProgramAttachOptions>(o =>
        {
            foreach (IConfigurationSection obj in configuration.GetSection("Objects").GetChildren())
            {
                ReadAttachments(o, obj.Key, obj.GetSection("Attach"));
            }
        });
        return builder;
    }

    /// <summary>
    /// Attaches the programs listed under <c>Objects:&lt;<paramref name="objectName"/>&gt;:Attach</c> of
    /// <paramref name="configuration"/> at start, as <see cref="AttachPrograms(BpfChannelsBuilder, IConfiguration)"/> does for
    /// every object.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">The BpfChannels configuration section.</param>
    /// <param name="objectName">The object's registration name.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="objectName"/> is blank.</exception>
    /// <remarks>An entry another registration also reads (<see cref="AttachPrograms(BpfChannelsBuilder, IConfiguration)"/>) is attached once.</remarks>
    public static BpfChannelsBuilder AttachPrograms(this BpfChannelsBuilder builder, IConfiguration configuration, string objectName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectName);
        AddServices(builder.Services);
        builder.Services.Configure<BpfProgramAttachOptions>(o => ReadAttachments(o, objectName, configuration.GetSection("Objects").GetSection(objectName).GetSection("Attach")));
        return builder;
    }

    /// <summary>Adds a health check listing each configured program's link: unhealthy when one is not attached.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status for a missing link; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags of the check.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddBpfProgramLinks(this IHealthChecksBuilder builder, string name = "bpfprograms", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddServices(builder.Services);
        return builder.Add(new HealthCheckRegistration(name, sp => new BpfProgramLinksHealthCheck(sp.GetRequiredService<BpfProgramLinks>()), failureStatus, tags));
    }

    private static void ReadAttachments(BpfProgramAttachOptions options, string objectName, IConfigurationSection attach)
    {
        List<BpfProgramAttachment> list = ObjectOptions(options, objectName).Attach;
        foreach (IConfigurationSection entry in attach.GetChildren())
        {
            if (list.Exists(a => a.ConfigurationPath == entry.Path))
            {
                continue;
            }

            // "Attach": [ "count_syscalls" ] is the short form of [ { "Program": "count_syscalls" } ].
            string? program = entry.Value ?? entry["Program"];
            list.Add(new BpfProgramAttachment { Program = program ?? string.Empty, Target = entry.Value is null ? entry["Target"] : null, ConfigurationPath = entry.Path });
        }
    }

    private static BpfObjectAttachOptions ObjectOptions(BpfProgramAttachOptions options, string objectName)
    {
        if (!options.Objects.TryGetValue(objectName, out BpfObjectAttachOptions? found))
        {
            found = new BpfObjectAttachOptions();
            options.Objects.Add(objectName, found);
        }

        return found;
    }

    private static void AddServices(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(BpfProgramLinks)))
        {
            return;
        }

        services.AddOptions<BpfProgramAttachOptions>();
        services.AddSingleton(sp => new BpfProgramLinks(
            sp.GetRequiredService<BpfObjectHost>(),
            sp.GetRequiredService<IOptions<BpfProgramAttachOptions>>(),
            sp.GetService<ILogger<BpfProgramLinks>>() ?? NullLogger<BpfProgramLinks>.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BpfProgramAttachService>(sp => new BpfProgramAttachService(sp.GetRequiredService<BpfObjectHost>(), sp.GetRequiredService<BpfProgramLinks>())));
    }
}
