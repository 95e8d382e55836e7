using System.Buffers.Binary;
using System.Text;

namespace BpfChannels;

/// <summary>
/// A minimal reader of 64-bit little-endian ELF relocatable files (what clang -target bpf emits): section headers,
/// the symbol table and REL relocations. Every offset is bounds-checked; a malformed file gives a
/// <see cref="BpfException"/> naming what is wrong.
/// </summary>
internal sealed class ElfFile
{
    internal const uint SHT_PROGBITS = 1;
    internal const uint SHT_SYMTAB = 2;
    internal const uint SHT_REL = 9;
    internal const ulong SHF_EXECINSTR = 4;
    internal const byte STT_FUNC = 2;
    private const ushort EM_BPF = 247;

    private readonly byte[] _bytes;
    private readonly string _name;

    private ElfFile(byte[] bytes, string name)
    {
        _bytes = bytes;
        _name = name;
    }

    internal List<Section> Sections { get; } = [];

    internal List<Symbol> Symbols { get; } = [];

    /// <summary>Whether <paramref name="bytes"/> start like a 64-bit little-endian ELF file.</summary>
    internal static bool LooksLikeElf64(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 64 && bytes[0] == 0x7F && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F' && bytes[4] == 2 && bytes[5] == 1;

    /// <summary>Reads the section names only, to decide how to load the object; null when it is not an ELF file this reader understands.</summary>
    internal static ElfFile? TryRead(ReadOnlySpan<byte> bytes, string name)
    {
        if (!LooksLikeElf64(bytes))
        {
            return null;
        }

        try
        {
            return Read(bytes, name);
        }
        catch (BpfException)
        {
            return null;
        }
    }

    /// <summary>Reads a BPF ELF object.</summary>
    /// <exception cref="BpfException">The file is not a valid 64-bit little-endian BPF ELF object.</exception>
    internal static ElfFile Read(ReadOnlySpan<byte> bytes, string name)
    {
        var elf = new ElfFile(bytes.ToArray(), name);
        elf.Parse();
        return elf;
    }

    internal Section? FindSection(string name) => Sections.Find(s => s.Name == name);

    internal ReadOnlySpan<byte> Data(Section section) => Slice((long)section.Offset, (long)section.Size, $"section {section.Name}");

    internal BpfException Corrupt(string what) =>
        new($"The ELF object '{_name}' is corrupt: {what}.", "ELF", _name, Interop.Errno.EINVAL);

    private void Parse()
    {
        ReadOnlySpan<byte> b = _bytes;
        if (!LooksLikeElf64(b))
        {
            throw Corrupt("it is not a 64-bit little-endian ELF file");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(b[18..]) != EM_BPF)
        {
            throw Corrupt("its machine is not EM_BPF (compile it with clang -target bpf)");
        }

        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(b[40..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(b[58..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(b[60..]);
        ushort shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(b[62..]);
        if (shentsize != 64 || shnum == 0 || shstrndx >= shnum)
        {
            throw Corrupt("its section header table is invalid");
        }

        ReadOnlySpan<byte> headers = Slice((long)shoff, (long)shnum * 64, "the section header table");
        var raw = new List<(uint NameOffset, Section Section)>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            ReadOnlySpan<byte> h = headers.Slice(i * 64, 64);
            raw.Add((BinaryPrimitives.ReadUInt32LittleEndian(h), new Section
            {
                Index = i,
                Type = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                Flags = BinaryPrimitives.ReadUInt64LittleEndian(h[8..]),
                Offset = BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                Size = BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                Link = BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                Info = BinaryPrimitives.ReadUInt32LittleEndian(h[44..]),
            }));
        }

        Section names = raw[shstrndx].Section;
        ReadOnlySpan<byte> nameTable = Slice((long)names.Offset, (long)names.Size, "the section name table");
        foreach ((uint nameOffset, Section section) in raw)
        {
            section.Name = String(nameTable, nameOffset, "a section name");
            if (section.Type != 8 /* SHT_NOBITS */)
            {
                _ = Data(section);
            }

            Sections.Add(section);
        }

        Section? symtab = Sections.Find(s => s.Type == SHT_SYMTAB);
        if (symtab is null)
        {
            return;
        }

        if (symtab.Link >= Sections.Count)
        {
            throw Corrupt("the symbol table's string table index is invalid");
        }

        ReadOnlySpan<byte> strings = Data(Sections[(int)symtab.Link]);
        ReadOnlySpan<byte> symbols = Data(symtab);
        for (int offset = 0; offset + 24 <= symbols.Length; offset += 24)
        {
            ReadOnlySpan<byte> s = symbols.Slice(offset, 24);
            Symbols.Add(new Symbol(
                String(strings, BinaryPrimitives.ReadUInt32LittleEndian(s), "a symbol name"),
                s[4],
                BinaryPrimitives.ReadUInt16LittleEndian(s[6..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[8..])));
        }
    }

    private ReadOnlySpan<byte> Slice(long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > _bytes.Length || length > _bytes.Length - offset)
        {
            throw Corrupt($"{what} lies outside the file");
        }

        return _bytes.AsSpan((int)offset, (int)length);
    }

    private string String(ReadOnlySpan<byte> table, uint offset, string what)
    {
        if (offset >= table.Length)
        {
            throw Corrupt($"{what} lies outside its string table");
        }

        ReadOnlySpan<byte> rest = table[(int)offset..];
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    /// <summary>A section header.</summary>
    internal sealed class Section
    {
        internal int Index { get; init; }

        internal string Name { get; set; } = string.Empty;

        internal uint Type { get; init; }

        internal ulong Flags { get; init; }

        internal ulong Offset { get; init; }

        internal ulong Size { get; init; }

        internal uint Link { get; init; }

        internal uint Info { get; init; }

        internal bool IsExecutable => Type == SHT_PROGBITS && (Flags & SHF_EXECINSTR) != 0 && Size > 0;
    }

    /// <summary>A symbol table entry.</summary>
    internal sealed record Symbol(string Name, byte Info, ushort SectionIndex, ulong Value)
    {
        internal bool IsFunction => (Info & 0xF) == STT_FUNC;
    }
}
