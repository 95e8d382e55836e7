using System;
using System.Collections.Generic;
using System.Text;

namespace BpfChannels.Bindings;

/// <summary>
/// Reads what the bindings need from a 64-bit little-endian BPF ELF relocatable object: section headers, section
/// contents and the symbol table. Every offset is bounds-checked; a malformed file throws
/// <see cref="FormatException"/> naming what is wrong.
/// </summary>
internal sealed class ElfReader
{
    internal const uint SHT_SYMTAB = 2;
    internal const uint SHT_NOBITS = 8;
    internal const ulong SHF_EXECINSTR = 4;
    internal const byte STT_OBJECT = 1;
    internal const byte STT_FUNC = 2;
    internal const byte STB_GLOBAL = 1;
    private const ushort EM_BPF = 247;

    private readonly byte[] _bytes;

    private ElfReader(byte[] bytes)
    {
        _bytes = bytes;
    }

    internal List<ElfSection> Sections { get; } = new List<ElfSection>();

    internal List<ElfSymbol> Symbols { get; } = new List<ElfSymbol>();

    internal static ElfReader Read(byte[] bytes)
    {
        if (bytes.Length < 64 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new FormatException("it is not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new FormatException("it is not a 64-bit little-endian ELF file (compile with clang -target bpf on a little-endian machine)");
        }

        var elf = new ElfReader(bytes);
        if (elf.U16(18) != EM_BPF)
        {
            throw new FormatException($"its machine is {elf.U16(18)}, not EM_BPF (247): compile it with clang -target bpf");
        }

        elf.Parse();
        return elf;
    }

    internal ElfSection? FindSection(string name)
    {
        foreach (ElfSection section in Sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }

        return null;
    }

    internal ArraySegment<byte> Data(ElfSection section) =>
        section.Type == SHT_NOBITS ? new ArraySegment<byte>(new byte[0]) : new ArraySegment<byte>(_bytes, (int)section.Offset, (int)section.Size);

    internal ushort U16(long offset) => (ushort)(Byte(offset) | (Byte(offset + 1) << 8));

    internal uint U32(long offset) => U16(offset) | ((uint)U16(offset + 2) << 16);

    internal ulong U64(long offset) => U32(offset) | ((ulong)U32(offset + 4) << 32);

    private byte Byte(long offset) => offset >= 0 && offset < _bytes.Length
        ? _bytes[offset]
        : throw new FormatException($"offset {offset} lies outside the {_bytes.Length}-byte file");

    private void Parse()
    {
        long sectionTable = (long)U64(40);
        int entrySize = U16(58);
        int count = U16(60);
        int namesIndex = U16(62);
        if (entrySize < 64 || sectionTable + ((long)count * entrySize) > _bytes.Length)
        {
            throw new FormatException("its section header table lies outside the file");
        }

        var raw = new List<(uint Name, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link)>(count);
        for (int i = 0; i < count; i++)
        {
            long h = sectionTable + ((long)i * entrySize);
            raw.Add((U32(h), U32(h + 4), U64(h + 8), U64(h + 24), U64(h + 32), U32(h + 40)));
        }

        if (namesIndex >= count)
        {
            throw new FormatException("its section name table index is out of range");
        }

        ulong namesOffset = raw[namesIndex].Offset;
        for (int i = 0; i < count; i++)
        {
            (uint name, uint type, ulong flags, ulong offset, ulong size, uint link) = raw[i];
            if (type != SHT_NOBITS && offset + size > (ulong)_bytes.Length)
            {
                throw new FormatException($"section {i} lies outside the file");
            }

            Sections.Add(new ElfSection(i, CString((long)(namesOffset + name)), type, flags, offset, size, link));
        }

        foreach (ElfSection symtab in Sections)
        {
            if (symtab.Type != SHT_SYMTAB)
            {
                continue;
            }

            ulong strings = Sections[(int)symtab.Link].Offset;
            for (ulong s = 24; s + 24 <= symtab.Size; s += 24)
            {
                long e = (long)(symtab.Offset + s);
                byte info = Byte(e + 4);
                Symbols.Add(new ElfSymbol(CString((long)(strings + U32(e))), (byte)(info & 0xF), (byte)(info >> 4), U16(e + 6), U64(e + 8), U64(e + 16)));
            }
        }
    }

    internal string CString(long offset)
    {
        long end = offset;
        while (Byte(end) != 0)
        {
            end++;
        }

        return Encoding.UTF8.GetString(_bytes, (int)offset, (int)(end - offset));
    }
}

/// <summary>One section header.</summary>
internal sealed class ElfSection
{
    internal ElfSection(int index, string name, uint type, ulong flags, ulong offset, ulong size, uint link)
    {
        Index = index;
        Name = name;
        Type = type;
        Flags = flags;
        Offset = offset;
        Size = size;
        Link = link;
    }

    internal int Index { get; }

    internal string Name { get; }

    internal uint Type { get; }

    internal ulong Flags { get; }

    internal ulong Offset { get; }

    internal ulong Size { get; }

    internal uint Link { get; }

    internal bool IsExecutable => (Flags & ElfReader.SHF_EXECINSTR) != 0;
}

/// <summary>One symbol table entry.</summary>
internal sealed class ElfSymbol
{
    internal ElfSymbol(string name, byte type, byte binding, ushort sectionIndex, ulong value, ulong size)
    {
        Name = name;
        Type = type;
        Binding = binding;
        SectionIndex = sectionIndex;
        Value = value;
        Size = size;
    }

    internal string Name { get; }

    internal byte Type { get; }

    internal byte Binding { get; }

    internal ushort SectionIndex { get; }

    internal ulong Value { get; }

    internal ulong Size { get; }
}
