using System;
using System.Collections.Generic;

namespace BpfChannels.Bindings;

/// <summary>A map of the object, from its <c>.maps</c> BTF definition or its legacy <c>SEC("maps")</c> bytes.</summary>
internal sealed class MapModel
{
    internal string Name { get; set; } = string.Empty;

    internal int Type { get; set; }

    internal int KeySize { get; set; }

    internal int ValueSize { get; set; }

    internal int MaxEntries { get; set; }

    internal uint Flags { get; set; }

    /// <summary>BTF ids of the key and value types, 0 when the definition gives only sizes.</summary>
    internal int KeyType { get; set; }

    internal int ValueType { get; set; }

    /// <summary>For maps of maps: the inner map's definition, when the object declares it with <c>__array(values, ...)</c>.</summary>
    internal MapModel? Inner { get; set; }

    internal bool IsLegacy { get; set; }
}

/// <summary>A program: a global function in an executable section other than <c>.text</c>.</summary>
internal sealed class ProgramModel
{
    internal ProgramModel(string name, string section)
    {
        Name = name;
        Section = section;
    }

    internal string Name { get; }

    internal string Section { get; }
}

/// <summary>A global variable of a data section.</summary>
internal sealed class VariableModel
{
    internal VariableModel(string name, int type, int offset, int size)
    {
        Name = name;
        Type = type;
        Offset = offset;
        Size = size;
    }

    internal string Name { get; }

    internal int Type { get; }

    internal int Offset { get; }

    internal int Size { get; }
}

/// <summary>A global-data section (<c>.rodata</c>, <c>.data</c>, <c>.bss</c>, <c>.data.*</c>, <c>.rodata.*</c>) and its variables.</summary>
internal sealed class SectionModel
{
    internal SectionModel(string name)
    {
        Name = name;
    }

    internal string Name { get; }

    internal List<VariableModel> Variables { get; } = new List<VariableModel>();

    internal bool IsReadOnly => Name.StartsWith(".rodata", StringComparison.Ordinal);
}

/// <summary>Everything the bindings are generated from, read from the object's ELF and BTF.</summary>
internal sealed class ObjectModel
{
    private const uint BtfVarGlobal = 1;

    private ObjectModel(List<BtfType> types)
    {
        Types = types;
    }

    internal List<BtfType> Types { get; }

    internal List<MapModel> Maps { get; } = new List<MapModel>();

    internal List<ProgramModel> Programs { get; } = new List<ProgramModel>();

    internal List<SectionModel> Sections { get; } = new List<SectionModel>();

    /// <summary>Reads the object; null types (no <c>.BTF</c>) are reported by the caller.</summary>
    /// <exception cref="FormatException">The bytes are not a BPF ELF object, or its BTF is malformed.</exception>
    internal static ObjectModel? Read(byte[] bytes)
    {
        ElfReader elf = ElfReader.Read(bytes);
        ElfSection? btf = elf.FindSection(".BTF");
        if (btf is null)
        {
            return null;
        }

        var model = new ObjectModel(BtfReader.Read(elf.Data(btf)));
        model.ReadPrograms(elf);
        model.ReadDatasecs(elf);
        model.ReadLegacyMaps(elf);
        return model;
    }

    /// <summary>Skips qualifiers and typedefs.</summary>
    internal BtfType Resolve(int id)
    {
        BtfType t = Types[id];
        while (t.Kind is BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag)
        {
            t = Types[(int)t.SizeOrType];
        }

        return t;
    }

    /// <summary>The size in bytes of a type, as the C compiler lays it out.</summary>
    internal long SizeOf(int id)
    {
        BtfType t = Resolve(id);
        switch (t.Kind)
        {
            case BtfKind.Int:
            case BtfKind.Struct:
            case BtfKind.Union:
            case BtfKind.Enum:
            case BtfKind.Enum64:
            case BtfKind.Float:
            case BtfKind.Datasec:
                return t.SizeOrType;
            case BtfKind.Ptr:
                return 8;
            case BtfKind.Array:
                return t.ArrayLength * SizeOf(t.ArrayElement);
            default:
                return 0;
        }
    }

    private void ReadPrograms(ElfReader elf)
    {
        foreach (ElfSymbol symbol in elf.Symbols)
        {
            if (symbol.Type != ElfReader.STT_FUNC || symbol.Binding != ElfReader.STB_GLOBAL || symbol.SectionIndex == 0 || symbol.SectionIndex >= elf.Sections.Count)
            {
                continue;
            }

            ElfSection section = elf.Sections[symbol.SectionIndex];
            if (section.IsExecutable && section.Name != ".text")
            {
                Programs.Add(new ProgramModel(symbol.Name, section.Name));
            }
        }
    }

    private void ReadDatasecs(ElfReader elf)
    {
        foreach (BtfType datasec in Types)
        {
            if (datasec.Kind != BtfKind.Datasec)
            {
                continue;
            }

            if (datasec.Name == ".maps")
            {
                foreach (BtfMember v in datasec.Members)
                {
                    BtfType variable = Types[v.Type];
                    if (variable.Kind == BtfKind.Var && Resolve((int)variable.SizeOrType) is { Kind: BtfKind.Struct } definition)
                    {
                        Maps.Add(ReadMapDefinition(variable.Name, definition));
                    }
                }

                continue;
            }

            bool isData = datasec.Name is ".rodata" or ".data" or ".bss"
                || datasec.Name.StartsWith(".data.", StringComparison.Ordinal)
                || datasec.Name.StartsWith(".rodata.", StringComparison.Ordinal);
            if (!isData)
            {
                continue;
            }

            var section = new SectionModel(datasec.Name);
            ElfSection? elfSection = elf.FindSection(datasec.Name);
            foreach (BtfMember v in datasec.Members)
            {
                BtfType variable = Types[v.Type];
                if (variable.Kind != BtfKind.Var || variable.Linkage != BtfVarGlobal)
                {
                    continue;
                }

                // clang leaves offsets for the loader to fix up from the symbol table, as libbpf does.
                long offset = v.Offset;
                if (elfSection is not null)
                {
                    foreach (ElfSymbol symbol in elf.Symbols)
                    {
                        if (symbol.SectionIndex == elfSection.Index && symbol.Name == variable.Name && symbol.Type == ElfReader.STT_OBJECT)
                        {
                            offset = (long)symbol.Value;
                            break;
                        }
                    }
                }

                section.Variables.Add(new VariableModel(variable.Name, (int)variable.SizeOrType, (int)offset, (int)SizeOf((int)variable.SizeOrType)));
            }

            if (section.Variables.Count > 0)
            {
                Sections.Add(section);
            }
        }
    }

    /// <summary>libbpf's encoding: <c>__uint(name, n)</c> is <c>int (*name)[n]</c>, <c>__type(name, T)</c> is <c>T *name</c>.</summary>
    private MapModel ReadMapDefinition(string name, BtfType definition)
    {
        var map = new MapModel { Name = name };
        foreach (BtfMember member in definition.Members)
        {
            BtfType pointer = Resolve(member.Type);
            BtfType target = pointer.Kind == BtfKind.Ptr ? Resolve((int)pointer.SizeOrType) : pointer;
            int Number() => target.Kind == BtfKind.Array ? (int)target.ArrayLength : 0;
            switch (member.Name)
            {
                case "type":
                    map.Type = Number();
                    break;
                case "max_entries":
                    map.MaxEntries = Number();
                    break;
                case "map_flags":
                    map.Flags = (uint)Number();
                    break;
                case "key_size":
                    map.KeySize = Number();
                    break;
                case "value_size":
                    map.ValueSize = Number();
                    break;
                case "key" when pointer.Kind == BtfKind.Ptr:
                    map.KeyType = (int)pointer.SizeOrType;
                    map.KeySize = (int)SizeOf(map.KeyType);
                    break;
                case "value" when pointer.Kind == BtfKind.Ptr:
                    map.ValueType = (int)pointer.SizeOrType;
                    map.ValueSize = (int)SizeOf(map.ValueType);
                    break;
                case "values" when pointer.Kind == BtfKind.Array:
                    BtfType element = Resolve(pointer.ArrayElement);
                    if (element.Kind == BtfKind.Ptr && Resolve((int)element.SizeOrType) is { Kind: BtfKind.Struct } inner)
                    {
                        map.Inner = ReadMapDefinition(name + ".inner", inner);
                    }

                    break;
            }
        }

        // Maps of maps hold inner map ids; the kernel's value size is 4.
        if ((map.Type == 12 || map.Type == 13) && map.ValueSize == 0)
        {
            map.ValueSize = 4;
        }

        return map;
    }

    private void ReadLegacyMaps(ElfReader elf)
    {
        ElfSection? section = elf.FindSection("maps");
        if (section is null || section.Size == 0)
        {
            return;
        }

        var symbols = new List<ElfSymbol>();
        foreach (ElfSymbol symbol in elf.Symbols)
        {
            if (symbol.SectionIndex == section.Index && symbol.Name.Length > 0 && symbol.Type != 3)
            {
                symbols.Add(symbol);
            }
        }

        if (symbols.Count == 0)
        {
            return;
        }

        symbols.Sort((a, b) => a.Value.CompareTo(b.Value));
        long size = (long)section.Size / symbols.Count;
        long start = (long)section.Offset;
        foreach (ElfSymbol symbol in symbols)
        {
            long at = start + (long)symbol.Value;
            Maps.Add(new MapModel
            {
                Name = symbol.Name,
                Type = (int)elf.U32(at),
                KeySize = (int)elf.U32(at + 4),
                ValueSize = (int)elf.U32(at + 8),
                MaxEntries = (int)elf.U32(at + 12),
                Flags = size >= 20 ? elf.U32(at + 16) : 0,
                IsLegacy = true,
            });
        }
    }
}
