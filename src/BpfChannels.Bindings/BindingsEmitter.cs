using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace BpfChannels.Bindings;

/// <summary>Writes the bindings class of one object: opening, maps, programs, global sections and types.</summary>
internal sealed partial class BindingsEmitter
{
    internal const string B = "global::BpfChannels.";

    /// <summary>On what needs the kernel; the twin path (types, <c>MapName</c>, <c>CreateInMemoryMaps</c>, <c>MapSet</c>) carries none.</summary>
    internal const string Linux = "[global::System.Runtime.Versioning.SupportedOSPlatform(\"linux\")]";

    private readonly ObjectModel _model;
    private readonly BindingsOptions _options;
    private readonly TypeEmitter _types;
    private readonly StringBuilder _out = new StringBuilder();
    private readonly List<MapBinding> _maps = new List<MapBinding>();
    private readonly List<(ProgramModel Program, string Member, string Class)> _programs = new List<(ProgramModel, string, string)>();
    private readonly List<(SectionModel Section, string Property, string Class, List<(VariableModel Variable, string Member, string Type)> Variables)> _sections =
        new List<(SectionModel, string, string, List<(VariableModel, string, string)>)>();

    internal BindingsEmitter(ObjectModel model, BindingsOptions options)
    {
        _model = model;
        _options = options;
        var scope = new NameScope(
            options.ClassName, "MapSet", "MapDefinitionSet", "ProgramSet", "BindingSupport", "LayoutManifest", "Registration", "AttachValidator", "NameProbe",
            "NotifiedChannels", "NotifiedValidator", "ChannelsValidator", "HostedChannels", "ProgramName", "ProgramNames", "Follow", "Bind", "CheckMaps", "Hosted",
            "Object", "Maps", "MapDefinitions", "Programs", "Open", "OpenAndLoad", "OpenObject", "FromObject", "Load", "Dispose", "IsLoaded",
            "CreateInMemoryMaps", "CreateTwin", "ObjectFileName", "MapNames", "MapName", "Equals", "GetHashCode", "GetType", "ToString");
        foreach (SectionModel section in model.Sections)
        {
            string property = scope.Claim(Naming.Pascal(section.Name.TrimStart('.').Replace('.', '_')));
            _sections.Add((section, property, scope.Claim(property + "Section"), new List<(VariableModel, string, string)>()));
        }

        _types = new TypeEmitter(model, scope, options.SourceName, options.LayoutManifest);
    }

    /// <summary>Errors (<c>RecordTypes</c>/<c>Types</c> naming what is not there), as messages.</summary>
    internal List<string> Errors { get; } = new List<string>();

    /// <summary>Types C# cannot express, as (type, reason).</summary>
    internal List<(string Type, string Reason)> Unsupported => _types.Unsupported;

    /// <summary>C names whose .NET name was already taken, as messages.</summary>
    internal List<string> Clashes => _types.Clashes;

    internal List<MapBinding> Maps => _maps;

    /// <summary>The programs' C names and members, in the object's order.</summary>
    internal IEnumerable<(string Name, string Member)> Programs => _programs.Select(p => (p.Program.Name, p.Member));

    internal string Emit()
    {
        ResolveMaps();
        ResolveSections();
        foreach (string type in _options.Types)
        {
            int id = _types.Find(type);
            if (id < 0)
            {
                Errors.Add($"Types names '{type}', but {_options.SourceName} has no such type in its BTF.");
                continue;
            }

            _types.Ref(id, Naming.Pascal(type.Replace("struct ", string.Empty).Replace("union ", string.Empty).Replace("enum ", string.Empty).Trim()), _types.CName(id));
        }

        _types.Flush();
        EmitClass();
        return _out.ToString();
    }

    private void ResolveMaps()
    {
        var scope = new NameScope("MapSet", "Dispose", "Equals", "GetHashCode", "GetType", "ToString");
        var records = new Dictionary<string, string>();
        foreach (KeyValuePair<string, string> entry in _options.RecordTypes)
        {
            MapModel? map = _model.Maps.FirstOrDefault(m => m.Name == entry.Key);
            int type = _types.Find(entry.Value);
            if (map is null)
            {
                Errors.Add($"RecordTypes entry '{entry.Key}={entry.Value}': {_options.SourceName} has no map '{entry.Key}' (its maps: {string.Join(", ", _model.Maps.Select(m => m.Name))}).");
            }

            if (type < 0)
            {
                Errors.Add($"RecordTypes entry '{entry.Key}={entry.Value}': {_options.SourceName} has no type '{entry.Value}' in its BTF (a type only used through a pointer or not at all may be dropped by the compiler; declare a global or use it in a map).");
            }

            if (map is not null && type >= 0)
            {
                if (!MapKind.IsRecordBuffer(map.Type))
                {
                    Errors.Add($"RecordTypes entry '{entry.Key}={entry.Value}': map '{entry.Key}' is a {MapKind.Name(map.Type)} map; record types are for ring buffers, perf event arrays and user ring buffers.");
                    continue;
                }

                records[entry.Key] = _types.Ref(type, Naming.Pascal(entry.Value), _types.CName(type));
            }
        }

        foreach (MapModel map in _model.Maps)
        {
            var binding = new MapBinding(map, scope.Claim(Naming.Pascal(map.Name), map.Name, "Map '{0}'", _types.Clashes));
            records.TryGetValue(map.Name, out string? record);
            Bind(binding, record);
            _maps.Add(binding);
        }
    }

    private string KeyType(MapModel map, string hint) => map.KeyType != 0
        ? _types.Ref(map.KeyType, hint + "Key", "(*" + map.Name + ".key)")
        : _types.Bytes(map.KeySize);

    private string ValueType(MapModel map, string hint) => map.ValueType != 0
        ? _types.Ref(map.ValueType, hint + "Value", "(*" + map.Name + ".value)")
        : _types.Bytes(map.ValueSize);

    private void Bind(MapBinding b, string? record)
    {
        MapModel m = b.Map;
        int type = m.Type;
        b.NoChannel($"a {MapKind.Name(type)} map is not a key/value map a channel can watch");
        if (MapKind.IsRecordBuffer(type))
        {
            if (record is not null)
            {
                b.Set($"{B}BpfRecordBuffer<{record}>", $"new {B}BpfRecordBuffer<{record}>(map)", $"the {MapKind.Name(type)} of <see cref=\"{record}\"/> records");
            }
            else
            {
                b.Set($"{B}BpfMap", "map", $"the {MapKind.Name(type)} (name its record type in RecordTypes for a typed reader)");
            }
        }
        else if (MapKind.IsQueue(type) && m.ValueSize > 0)
        {
            string value = ValueType(m, b.Member);
            b.NoChannel($"a {MapKind.Name(type)} has no keys to watch (use Maps.{b.Member}.TryPop)");
            b.Set($"{B}BpfQueue<{value}>", $"new {B}BpfQueue<{value}>(map)", $"the {MapKind.Name(type)} of <c>{Naming.Xml(value)}</c>");
        }
        else if (MapKind.IsMapOfMaps(type) && m.KeySize > 0)
        {
            string key = KeyType(m, b.Member);
            b.NoChannel($"a {MapKind.Name(type)} map holds maps, not values to watch");
            b.Set($"{B}BpfMapOfMaps<{key}>", $"new {B}BpfMapOfMaps<{key}>(map)", $"the {MapKind.Name(type)} keyed by <c>{Naming.Xml(key)}</c>");
        }
        else if (MapKind.IsPerCpu(type) && m.KeySize > 0 && m.ValueSize > 0)
        {
            string key = KeyType(m, b.Member), value = ValueType(m, b.Member);
            if (MapBinding.IsInteger(value))
            {
                b.Channel(ChannelKind.PerCpuSum, key, value);
            }
            else
            {
                b.NoChannel($"its per-CPU values ({value}) have no sum to combine them by: register it in code with WithPerCpuChannel(m => m.{b.Member}, aggregate)");
            }

            b.Set($"{B}BpfPerCpuMap<{key}, {value}>", $"new {B}BpfPerCpuMap<{key}, {value}>(map)", $"the {MapKind.Name(type)} map of <c>{Naming.Xml(key)}</c> to one <c>{Naming.Xml(value)}</c> per CPU");
        }
        else if (type == 2 && (m.Flags & MapKind.MmapableFlag) != 0 && m.ValueSize > 0)
        {
            string value = ValueType(m, b.Member);
            b.Channel(ChannelKind.MmapArray, "uint", value);
            b.Set($"{B}BpfMmapArray<{value}>", $"new {B}BpfMmapArray<{value}>(map)", $"the memory-mapped array of <c>{Naming.Xml(value)}</c>");
        }
        else if (type == 11 && LpmData(m, b.Member) is { } data && m.ValueSize > 0)
        {
            string value = ValueType(m, b.Member);
            b.Channel(ChannelKind.Map, $"{B}LpmKey<{data}>", value);
            b.Set($"{B}BpfMap<{B}LpmKey<{data}>, {value}>", $"new {B}BpfMap<{B}LpmKey<{data}>, {value}>(map)", $"the LPM trie of <c>{Naming.Xml(data)}</c> prefixes to <c>{Naming.Xml(value)}</c>");
        }
        else if (MapKind.IsKeyValue(type) && m.KeySize > 0 && m.ValueSize > 0)
        {
            string key = KeyType(m, b.Member), value = ValueType(m, b.Member);
            b.Channel(ChannelKind.Map, key, value);
            b.Set($"{B}BpfMap<{key}, {value}>", $"new {B}BpfMap<{key}, {value}>(map)", $"the {MapKind.Name(type)} map of <c>{Naming.Xml(key)}</c> to <c>{Naming.Xml(value)}</c>");
        }
        else
        {
            b.Set($"{B}BpfMap", "map", $"the {MapKind.Name(type)} map (untyped)");
        }
    }

    /// <summary>An LPM trie key <c>{ __u32 prefixlen; T data; }</c> becomes <c>LpmKey&lt;T&gt;</c>; other layouts stay a plain key struct.</summary>
    private string? LpmData(MapModel m, string hint)
    {
        if (m.KeyType == 0 || _model.Resolve(m.KeyType) is not { Kind: BtfKind.Struct } key || key.Members.Count != 2)
        {
            return null;
        }

        BtfMember prefix = key.Members[0], data = key.Members[1];
        if (prefix.Offset != 0 || prefix.BitfieldSize != 0 || _model.SizeOf(prefix.Type) != 4 || data.Offset != 32 || data.BitfieldSize != 0 || _model.SizeOf(data.Type) + 4 != key.SizeOrType)
        {
            return null;
        }

        return _types.Ref(data.Type, hint + "Data", "((__typeof__(*" + m.Name + ".key) *)0)->" + data.Name);
    }

    private void ResolveSections()
    {
        foreach ((SectionModel section, string property, string className, List<(VariableModel, string, string)> variables) in _sections)
        {
            var scope = new NameScope(className, "Equals", "GetHashCode", "GetType", "ToString");
            foreach (VariableModel variable in section.Variables)
            {
                string member = scope.Claim(Naming.Pascal(variable.Name), variable.Name, "Global variable '{0}' in " + section.Name, _types.Clashes);
                string type = _types.Ref(variable.Type, member + "Type", variable.Name);
                if (type.Length > 0)
                {
                    variables.Add((variable, member, type));
                }
            }
        }

        var programScope = new NameScope("ProgramSet", "Equals", "GetHashCode", "GetType", "ToString");
        foreach (ProgramModel program in _model.Programs)
        {
            string member = programScope.Claim(Naming.Pascal(program.Name), program.Name, "Program '{0}'", _types.Clashes);
            _programs.Add((program, member, programScope.Claim(member + "Program")));
        }
    }
}

/// <summary>One map and the typed wrapper it is exposed as.</summary>
internal sealed class MapBinding
{
    internal MapBinding(MapModel map, string member)
    {
        Map = map;
        Member = member;
    }

    internal MapModel Map { get; }

    internal string Member { get; }

    internal string Type { get; private set; } = string.Empty;

    /// <summary>An expression of <see cref="Type"/> built from a <c>BpfMap map</c>.</summary>
    internal string Create { get; private set; } = string.Empty;

    internal string Description { get; private set; } = string.Empty;

    internal bool IsUntyped => Create == "map";

    /// <summary>Whether the wrapper type exists only on Linux (the record buffers), so its accessor is marked so.</summary>
    internal bool NeedsKernel => Type.StartsWith(BindingsEmitter.B + "BpfRecordBuffer<", System.StringComparison.Ordinal);

    /// <summary>How a map channel over this map is registered from configuration.</summary>
    internal ChannelKind ChannelKind { get; private set; }

    internal string ChannelKey { get; private set; } = string.Empty;

    internal string ChannelValue { get; private set; } = string.Empty;

    /// <summary>Why configuration cannot give this map a channel (when <see cref="ChannelKind"/> is None).</summary>
    internal string NoChannelReason { get; private set; } = string.Empty;

    internal static bool IsInteger(string type) => type is "byte" or "sbyte" or "ushort" or "short" or "uint" or "int" or "ulong" or "long";

    internal void Channel(ChannelKind kind, string key, string value)
    {
        ChannelKind = kind;
        ChannelKey = key;
        ChannelValue = value;
    }

    internal void NoChannel(string reason)
    {
        ChannelKind = ChannelKind.None;
        NoChannelReason = reason;
    }

    internal void Set(string type, string create, string description)
    {
        Type = type;
        Create = create;
        Description = description;
    }
}

/// <summary>What kind of map channel a map takes: none, over the typed map, over the per-CPU values summed, over a memory-mapped array.</summary>
internal enum ChannelKind
{
    None,
    Map,
    PerCpuSum,
    MmapArray,
}
