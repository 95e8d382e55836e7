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
        Append($$"""
                /// <summary>Finds which map or program a selector picks by running it over a set whose members report their names instead of existing.</summary>
                private sealed class NameProbe : global::System.Exception
                {
                    private NameProbe(string name) : base(name) => Name = name;

                    internal string Name { get; }

                    internal static string Of<T>(global::System.Func<MapSet, T> select)
                        => Run(() => select(new MapSet(name => throw new NameProbe(name), ownsMaps: false)), "maps", "m => m.{{_exampleMap}}");

                    internal static string Of(global::System.Func<ProgramSet, {{B}}BpfProgram> select)
                        => Run(() => select(new ProgramSet(name => throw new NameProbe(name))), "programs", "p => p.{{_examplePrograms}}");

                    private static string Run<T>(global::System.Func<T> select, string what, string example)
                    {
                        try
                        {
                            _ = select();
                        }
                        catch (NameProbe found)
                        {
                            return found.Name;
                        }

                        throw new global::System.ArgumentException("The selector must return one of the " + what + " of {{c}}, such as " + example + ".", nameof(select));
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
    }
}
