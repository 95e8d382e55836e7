using System.Linq;

namespace BpfChannels.Bindings;

internal sealed partial class HostingEmitter
{
    private string ChannelsValidatorRegistration() => _maps.Any(m => m.ChannelKind == ChannelKind.None)
        ? $"{DI}ServiceCollectionServiceExtensions.AddSingleton<{Opt}IValidateOptions<{H}BpfChannelsOptions>>(services, new ChannelsValidator());"
        : "// every map of the object can have a channel: nothing in Maps can name one that cannot";

    /// <summary>
    /// <c>HostedChannels</c>: the channel each map takes, with the key and value types from BTF, over the host's object or
    /// over the twin; nothing in it needs the kernel.
    /// </summary>
    private void EmitHostedChannels()
    {
        Append($$"""
                /// <summary>Registers map channels by C map name, typed from BTF, over maps a delegate supplies (the host's object or the twin).</summary>
                internal static class HostedChannels
                {
                    // A Maps:<map> entry naming a map of this object that a channel can watch gets one; the others are left to
                    // the validators (ChannelsValidator says why this object's cannot, the hosting layer that nothing registered them).
                    internal static bool TryAdd({{H}}BpfChannelsBuilder builder, string map, global::System.Func<global::System.IServiceProvider, MapSet> maps)
                    {
                        switch (map)
                        {
            """);
        foreach (MapBinding m in _maps.Where(m => m.ChannelKind != ChannelKind.None))
        {
            string k = m.ChannelKey, v = m.ChannelValue, name = Naming.Literal(m.Map.Name);
            string register = m.ChannelKind switch
            {
                ChannelKind.PerCpuSum => $"builder.AddPerCpuMapChannel<{k}, {v}>({name}, Sum{m.Member}, sp => maps(sp).{m.Member});",
                ChannelKind.MmapArray => $"builder.AddMapChannel<{k}, {v}>({name}, sp => new {B}BpfMap<{k}, {v}>(maps(sp).{m.Member}.Map));",
                _ => $"builder.AddMapChannel<{k}, {v}>({name}, sp => maps(sp).{m.Member});",
            };
            Append($"                case {name}:");
            Append($"                    {register}");
            Append($"                    AddKeyed<{k}, {v}>(builder, {name});");
            Append("                    return true;");
        }

        Append($$"""
                            default:
                                return false;
                        }
                    }

                    /// <summary>Why no channel can watch the map <paramref name="map"/>, or null (it can, or the object has no such map).</summary>
                    internal static string? Unusable(string map) => map switch
                    {
            """);
        foreach (MapBinding m in _maps.Where(m => m.ChannelKind == ChannelKind.None))
        {
            Append($"            {Naming.Literal(m.Map.Name)} => {Naming.Literal(m.NoChannelReason)},");
        }

        Append($$"""
                        _ => null,
                    };

                    /// <summary>Registers the twin's map set and a channel for each of <paramref name="channels"/>; see <c>Add{{_c}}InMemory</c>.</summary>
                    internal static void AddInMemory({{H}}BpfChannelsBuilder builder, global::System.Collections.Generic.IEnumerable<string> channels, bool validate)
                    {
                        {{DI}}ServiceCollectionServiceExtensions.AddSingleton(builder.Services, _ => CreateInMemoryMaps());
                        foreach (string map in channels)
                        {
                            _ = TryAdd(builder, map, sp => {{DI}}ServiceProviderServiceExtensions.GetRequiredService<MapSet>(sp));
                        }

                        if (validate)
                        {
                            {{ChannelsValidatorRegistration().Replace("(services,", "(builder.Services,")}}
                        }
                    }

                    internal static void AddKeyed<TKey, TValue>({{H}}BpfChannelsBuilder builder, string channel)
                        where TKey : unmanaged
                        where TValue : unmanaged
                        => {{DI}}ServiceCollectionServiceExtensions.AddKeyedSingleton<{{B}}MapChannel<TKey, TValue>>(builder.Services, channel, (sp, _) => {{DI}}ServiceProviderServiceExtensions.GetRequiredService<{{H}}BpfChannelRegistry>(sp).GetChannel<TKey, TValue>(channel));
            """);
        foreach (MapBinding m in _maps.Where(m => m.ChannelKind == ChannelKind.PerCpuSum))
        {
            string v = m.ChannelValue;
            Append($$"""

                    // A channel named by configuration over per-CPU integers sees their sum over every CPU (wrapping, as C's does).
                    private static {{v}} Sum{{m.Member}}(global::System.ReadOnlySpan<{{v}}> values)
                    {
                        {{v}} sum = 0;
                        foreach ({{v}} value in values)
                        {
                            unchecked
                            {
                                sum += value;
                            }
                        }

                        return sum;
                    }
            """);
        }

        Append("    }");
        Append(string.Empty);
    }

    /// <summary><c>Add&lt;Class&gt;InMemory</c>: the same typed channels over the twin, for tests of code that injects them.</summary>
    private string InMemoryExtensions()
    {
        string c = _c;
        string maps = string.Join(", ", _maps.Select(m => m.Map.Name));
        return $$"""
            /// <summary>Registers the maps of <see cref="{{c}}"/> over the in-memory twin with a BpfChannels host: the same typed channels, keyed services and map types, on any OS and without privileges.</summary>
            public static class {{c}}InMemoryHostingExtensions
            {
                /// <summary>
                /// Registers <see cref="{{c}}.MapSet"/> over the in-memory twin (<see cref="{{c}}.CreateInMemoryMaps"/>, disposed with the
                /// services) and a typed map channel, also a keyed service, for each map named in <paramref name="channels"/>: code that
                /// injects the channels of <c>Add{{c}}()</c> runs against it unchanged.
                /// </summary>
                /// <param name="builder">The builder from <c>AddBpfChannels</c>.</param>
                /// <param name="channels">C map names (<see cref="{{c}}.MapName"/>) to give channels.</param>
                /// <returns>The builder.</returns>
                /// <exception cref="global::System.ArgumentException">A name is not one of the object's maps, names a map no channel can watch, or is already registered.</exception>
                public static {{H}}BpfChannelsBuilder Add{{c}}InMemory(this {{H}}BpfChannelsBuilder builder, params string[] channels)
                {
                    global::System.ArgumentNullException.ThrowIfNull(builder);
                    global::System.ArgumentNullException.ThrowIfNull(channels);
                    foreach (string map in channels)
                    {
                        if (!global::System.Linq.Enumerable.Contains({{c}}.MapNames, map))
                        {
                            throw new global::System.ArgumentException({{Naming.Literal(_options.ObjectFileName)}} + " has no map '" + map + "'; it has: {{maps}}.", nameof(channels));
                        }

                        if ({{c}}.HostedChannels.Unusable(map) is { } reason)
                        {
                            throw new global::System.ArgumentException("Map '" + map + "' of " + {{Naming.Literal(_options.ObjectFileName)}} + " cannot have a channel: " + reason + ".", nameof(channels));
                        }
                    }

                    {{c}}.HostedChannels.AddInMemory(builder, channels, validate: false);
                    return builder;
                }

                /// <summary>Registers the twin as the other overload does, with a channel for each <c>Maps:&lt;map&gt;</c> entry of <paramref name="configuration"/> (the BpfChannels section) that names one of the object's maps.</summary>
                /// <param name="builder">The builder from <c>AddBpfChannels</c>.</param>
                /// <param name="configuration">The BpfChannels configuration section.</param>
                /// <returns>The builder.</returns>
                /// <exception cref="global::System.ArgumentException">A channel name is already registered.</exception>
                /// <remarks>An entry naming one of the object's maps that no channel can watch fails validation at start, saying why.</remarks>
                public static {{H}}BpfChannelsBuilder Add{{c}}InMemory(this {{H}}BpfChannelsBuilder builder, {{Cfg}}IConfiguration configuration)
                {
                    global::System.ArgumentNullException.ThrowIfNull(builder);
                    global::System.ArgumentNullException.ThrowIfNull(configuration);
                    var channels = new global::System.Collections.Generic.List<string>();
                    foreach ({{Cfg}}IConfigurationSection map in configuration.GetSection("Maps").GetChildren())
                    {
                        if (global::System.Linq.Enumerable.Contains({{c}}.MapNames, map.Key))
                        {
                            channels.Add(map.Key);
                        }
                    }

                    {{c}}.HostedChannels.AddInMemory(builder, channels, validate: true);
                    return builder;
                }
            }
            """;
    }

    private void EmitServices()
    {
        string c = _c;
        string programs = string.Join(", ", _programs.Select(p => p.Name));
        Append($$"""
                /// <summary>Finds which map a selector picks by running it over a set whose maps report their names instead of existing.</summary>
                private sealed class NameProbe : global::System.Exception
                {
                    private NameProbe(string name) : base(name) => MapName = name;

                    internal string MapName { get; }

                    internal static string Of<T>(global::System.Func<MapSet, T> select)
                    {
                        var probe = new MapSet(name => throw new NameProbe(name), ownsMaps: false);
                        try
                        {
                            _ = select(probe);
                        }
                        catch (NameProbe found)
                        {
                            return found.MapName;
                        }

                        throw new global::System.ArgumentException("The selector must return one of the maps of {{c}}, such as m => m.{{_exampleMap}}.", nameof(select));
                    }
                }

                /// <summary>Checks the attachments read from configuration against the object's programs, when the host starts.</summary>
                private sealed class OptionsValidator : {{Opt}}IValidateOptions<HostingOptions>
                {
                    private readonly string _objectName;

                    internal OptionsValidator(string objectName) => _objectName = objectName;

                    public {{Opt}}ValidateOptionsResult Validate(string? name, HostingOptions options)
                    {
                        if (name != _objectName)
                        {
                            return {{Opt}}ValidateOptionsResult.Skip;
                        }

                        var failures = new global::System.Collections.Generic.List<string>();
                        for (int i = 0; i < options.Attach.Count; i++)
                        {
                            {{H}}BpfProgramAttachment attachment = options.Attach[i];
                            string where = "Objects:" + _objectName + ":Attach:" + i.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
                            if (string.IsNullOrWhiteSpace(attachment.Program))
                            {
                                failures.Add(where + " names no program; " + ObjectFileName + " has: {{programs}}.");
                            }
                            else if (!global::System.Linq.Enumerable.Contains(ProgramNames, attachment.Program))
                            {
                                failures.Add(where + ": " + ObjectFileName + " has no program '" + attachment.Program + "'; it has: {{programs}}.");
                            }

                            if (attachment.Target is not null && string.IsNullOrWhiteSpace(attachment.Target))
                            {
                                failures.Add(where + ":Target is blank; leave it out to attach where the program's section says.");
                            }
                        }

                        return failures.Count == 0 ? {{Opt}}ValidateOptionsResult.Success : {{Opt}}ValidateOptionsResult.Fail(failures);
                    }
                }

            """);
        if (_maps.Any(m => m.ChannelKind == ChannelKind.None))
        {
            Append($$"""
                /// <summary>Rejects a <c>Maps:&lt;map&gt;</c> entry naming one of the object's maps that no channel can watch, saying why.</summary>
                private sealed class ChannelsValidator : {{Opt}}IValidateOptions<{{H}}BpfChannelsOptions>
                {
                    public {{Opt}}ValidateOptionsResult Validate(string? name, {{H}}BpfChannelsOptions options)
                    {
                        var failures = new global::System.Collections.Generic.List<string>();
                        foreach (string map in options.Maps.Keys)
                        {
                            string? reason = HostedChannels.Unusable(map);
                            if (reason is not null)
                            {
                                failures.Add("Maps:" + map + " names a map of " + ObjectFileName + " that cannot have a channel: " + reason + ".");
                            }
                        }

                        return failures.Count == 0 ? {{Opt}}ValidateOptionsResult.Success : {{Opt}}ValidateOptionsResult.Fail(failures);
                    }
                }

            """);
        }

        EmitLinkService();
    }

    private void EmitLinkService()
    {
        string c = _c;
        const string L = "global::Microsoft.Extensions.Logging.";
        Append($$"""
                /// <summary>
                /// Attaches the programs chosen in code and in configuration when the host starts, again to the new object's programs
                /// when the host reloads the object (the old links first, as an interface or cgroup takes one program at a time), and
                /// detaches them when the host stops.
                /// </summary>
                {{Linux}}
                private sealed class LinkService : global::Microsoft.Extensions.Hosting.IHostedService
                {
                    private readonly global::System.IServiceProvider _services;
                    private readonly string _objectName;
                    private readonly (global::System.Func<ProgramSet, {{B}}BpfProgram> Program, global::System.Func<{{B}}BpfProgram, {{B}}BpfLink>? Attach)[] _attachments;
                    // The hosting layer's own attach messages (event ids 40 and 41), in its category, so both kinds read alike.
                    private static readonly global::System.Action<{{L}}ILogger, string, string, string, global::System.Exception?> Attached =
                        {{L}}LoggerMessage.Define<string, string, string>({{L}}LogLevel.Information, new {{L}}EventId(40, "Attached"), "Attached program '{Program}' of BPF object '{Object}': {Link}.");

                    private static readonly global::System.Action<{{L}}ILogger, string, string, string, global::System.Exception?> Detached =
                        {{L}}LoggerMessage.Define<string, string, string>({{L}}LogLevel.Information, new {{L}}EventId(41, "Detached"), "Detached program '{Program}' of BPF object '{Object}': {Link}.");

                    private readonly object _gate = new();
                    private global::System.Collections.Generic.List<(string Program, {{B}}BpfLink Link)> _links = new();
                    private {{L}}ILogger _logger = {{L}}Abstractions.NullLogger.Instance;
                    private {{H}}BpfObjectHost? _host;
                    private {{c}}? _bindings;
                    private HostingOptions? _options;

                    internal LinkService(global::System.IServiceProvider services, string objectName, (global::System.Func<ProgramSet, {{B}}BpfProgram> Program, global::System.Func<{{B}}BpfProgram, {{B}}BpfLink>? Attach)[] attachments)
                    {
                        _services = services;
                        _objectName = objectName;
                        _attachments = attachments;
                    }

                    public global::System.Threading.Tasks.Task StartAsync(global::System.Threading.CancellationToken cancellationToken)
                    {
                        _host = {{DI}}ServiceProviderServiceExtensions.GetRequiredService<{{H}}BpfObjectHost>(_services);
                        _bindings = {{DI}}ServiceProviderServiceExtensions.GetRequiredService<{{c}}>(_services);
                        _options = {{DI}}ServiceProviderServiceExtensions.GetRequiredService<{{Opt}}IOptionsMonitor<HostingOptions>>(_services).Get(_objectName);
                        if ({{DI}}ServiceProviderServiceExtensions.GetService<{{L}}ILoggerFactory>(_services) is { } loggers)
                        {
                            _logger = loggers.CreateLogger("BpfChannels.Hosting.BpfProgramLinks");
                        }

                        lock (_gate)
                        {
                            AttachAll();
                        }

                        _host.Reloaded += OnReloaded;
                        return global::System.Threading.Tasks.Task.CompletedTask;
                    }

                    public global::System.Threading.Tasks.Task StopAsync(global::System.Threading.CancellationToken cancellationToken)
                    {
                        if (_host is not null)
                        {
                            _host.Reloaded -= OnReloaded;
                        }

                        lock (_gate)
                        {
                            Detach();
                        }

                        return global::System.Threading.Tasks.Task.CompletedTask;
                    }

                    // Runs inside BpfObjectHost.Reload, while the old object is still open; a failure leaves Reload.
                    private void OnReloaded(object? sender, {{H}}BpfObjectReloadedEventArgs e)
                    {
                        if (e.Name != _objectName || _host is null || _bindings is null)
                        {
                            return;
                        }

                        lock (_gate)
                        {
                            _bindings.Follow(_host.GetObject(_objectName));
                            Detach();
                            AttachAll();
                        }
                    }

                    private void AttachAll()
                    {
                        var links = new global::System.Collections.Generic.List<(string Program, {{B}}BpfLink Link)>();
                        string what = "a program";
                        try
                        {
                            foreach ((global::System.Func<ProgramSet, {{B}}BpfProgram> program, global::System.Func<{{B}}BpfProgram, {{B}}BpfLink>? attach) in _attachments)
                            {
                                {{B}}BpfProgram p = program(_bindings!.Programs);
                                what = "program '" + p.Name + "'";
                                links.Add((p.Name, attach is null ? p.Attach() : attach(p)));
                            }

                            foreach ({{H}}BpfProgramAttachment attachment in _options!.Attach)
                            {
                                what = "program '" + attachment.Program + "'" + (attachment.Target is null ? string.Empty : " to '" + attachment.Target + "'");
                                {{B}}BpfProgram p = _bindings!.Object.GetProgram(attachment.Program);
                                links.Add((p.Name, attachment.Target is null ? p.Attach() : p.Attach(attachment.Target)));
                            }
                        }
                        catch (global::System.Exception e) when (e is {{B}}BpfException or global::System.InvalidOperationException or global::System.ArgumentException or global::System.Collections.Generic.KeyNotFoundException)
                        {
                            Release(links, null);
                            throw new global::System.InvalidOperationException("Attaching " + what + " of BPF object '" + _objectName + "' (" + ObjectFileName + ") failed: " + e.Message, e);
                        }

                        foreach ((string program, {{B}}BpfLink link) in links)
                        {
                            Attached(_logger, program, _objectName, link.Description, null);
                        }

                        _links = links;
                    }

                    private void Detach()
                    {
                        Release(_links, this);
                        _links = new();
                    }

                    // Last attached first; logged when they were (a failed start's partial links were never reported attached).
                    private static void Release(global::System.Collections.Generic.List<(string Program, {{B}}BpfLink Link)> links, LinkService? log)
                    {
                        for (int i = links.Count - 1; i >= 0; i--)
                        {
                            links[i].Link.Dispose();
                            if (log is not null)
                            {
                                Detached(log._logger, links[i].Program, log._objectName, links[i].Link.Description, null);
                            }
                        }
                    }
                }
            """);
    }
}
