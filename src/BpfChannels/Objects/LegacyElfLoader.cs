using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using static BpfChannels.Interop.Bpf;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// Loads objects whose maps are legacy <c>struct bpf_map_def SEC("maps")</c> definitions, which libbpf 1.x refuses,
/// the way the kernel's old samples loader (bpf_load.c) did: read the ELF, create each map, patch every
/// <c>ld_imm64</c> that references a map symbol with the map's descriptor (BPF_PSEUDO_MAP_FD), and load each program
/// section with BPF_PROG_LOAD. Maps keep their definition order (the old <c>map_data[i]</c>).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LegacyElfLoader
{
    private const byte BPF_LD_IMM64 = 0x18;
    private const int InstructionSize = 8;

    /// <summary>Whether the bytes are an ELF object with a legacy "maps" section.</summary>
    internal static bool HasLegacyMaps(ReadOnlySpan<byte> bytes, string name) => ElfFile.TryRead(bytes, name)?.FindSection("maps") is { Size: > 0 };

    /// <summary>The map definitions of the "maps" section, in definition (offset) order.</summary>
    internal static List<(string Name, ulong Offset, BpfMapSpec Spec)> ReadMaps(ElfFile elf)
    {
        ElfFile.Section maps = elf.FindSection("maps")!;
        List<ElfFile.Symbol> symbols = elf.Symbols.Where(s => s.SectionIndex == maps.Index && s.Name.Length > 0).OrderBy(s => s.Value).ToList();
        if (symbols.Count == 0)
        {
            throw elf.Corrupt("the \"maps\" section has no symbols naming its maps");
        }

        // As bpf_load.c: every definition has the same size, the section size divided by the number of maps.
        int definitionSize = (int)(maps.Size / (ulong)symbols.Count);
        if (definitionSize < 16)
        {
            throw elf.Corrupt($"the \"maps\" section's definitions are {definitionSize} bytes; struct bpf_map_def needs at least 16");
        }

        ReadOnlySpan<byte> data = elf.Data(maps);
        var result = new List<(string, ulong, BpfMapSpec)>(symbols.Count);
        foreach (ElfFile.Symbol symbol in symbols)
        {
            if (symbol.Value + 16 > (ulong)data.Length)
            {
                throw elf.Corrupt($"map '{symbol.Name}' lies outside the \"maps\" section");
            }

            ReadOnlySpan<byte> d = data[(int)symbol.Value..];
            result.Add((symbol.Name, symbol.Value, new BpfMapSpec
            {
                Type = (BpfMapType)BinaryPrimitives.ReadUInt32LittleEndian(d),
                KeySize = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[4..]),
                ValueSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[8..]),
                MaxEntries = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[12..]),
                Flags = definitionSize >= 20 && d.Length >= 20 ? (BpfMapFlags)BinaryPrimitives.ReadUInt32LittleEndian(d[16..]) : BpfMapFlags.None,
                Name = symbol.Name.Length > 15 ? symbol.Name[..15] : symbol.Name,
            }));
        }

        return result;
    }

    /// <summary>The program sections: every executable section, named by its function symbol at offset 0.</summary>
    internal static List<(string Name, ElfFile.Section Section, BpfProgramType Type)> ReadPrograms(ElfFile elf)
    {
        var programs = new List<(string, ElfFile.Section, BpfProgramType)>();
        foreach (ElfFile.Section section in elf.Sections.Where(s => s.IsExecutable && s.Name != ".text"))
        {
            string name = elf.Symbols.Find(s => s.SectionIndex == section.Index && s.IsFunction && s.Value == 0)?.Name ?? section.Name;
            programs.Add((name, section, TypeOf(section.Name)));
        }

        return programs;
    }

    /// <summary>The instructions of <paramref name="section"/> with every map reference patched to the map's descriptor.</summary>
    internal static byte[] Relocate(ElfFile elf, ElfFile.Section section, IReadOnlyList<ulong> mapOffsets, IReadOnlyList<BpfMap> maps)
    {
        byte[] instructions = elf.Data(section).ToArray();
        ElfFile.Section mapSection = elf.FindSection("maps")!;
        foreach (ElfFile.Section rel in elf.Sections.Where(s => s.Type == ElfFile.SHT_REL && s.Info == section.Index))
        {
            ReadOnlySpan<byte> entries = elf.Data(rel);
            for (int offset = 0; offset + 16 <= entries.Length; offset += 16)
            {
                ulong at = BinaryPrimitives.ReadUInt64LittleEndian(entries[offset..]);
                int symbolIndex = (int)(BinaryPrimitives.ReadUInt64LittleEndian(entries[(offset + 8)..]) >> 32);
                if (symbolIndex >= elf.Symbols.Count)
                {
                    throw elf.Corrupt($"a relocation in {section.Name} names symbol {symbolIndex}, beyond the symbol table");
                }

                ElfFile.Symbol symbol = elf.Symbols[symbolIndex];
                if (symbol.SectionIndex != mapSection.Index)
                {
                    string target = symbol.SectionIndex < elf.Sections.Count ? elf.Sections[symbol.SectionIndex].Name : symbol.SectionIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    throw new BpfException(
                        $"Program section {section.Name} references '{symbol.Name}' in section {target}; a legacy SEC(\"maps\") object can reference only its maps (no global variables or BPF-to-BPF calls). Use BTF-defined maps in SEC(\".maps\") for those.",
                        BpfCommand.ElfRead.Name(),
                        section.Name,
                        EOPNOTSUPP);
                }

                int map = IndexOf(mapOffsets, symbol.Value);
                if (map < 0 || at % InstructionSize != 0 || at + 16 > (ulong)instructions.Length || instructions[(int)at] != BPF_LD_IMM64)
                {
                    throw elf.Corrupt($"the relocation at {section.Name}+{at} for map '{symbol.Name}' is not on an ld_imm64 instruction of a known map");
                }

                // struct bpf_insn { u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm; }: src_reg is the high nibble.
                instructions[(int)at + 1] = (byte)((instructions[(int)at + 1] & 0x0F) | (BPF_PSEUDO_MAP_FD << 4));
                BinaryPrimitives.WriteInt32LittleEndian(instructions.AsSpan((int)at + 4), maps[map].Handle.FileDescriptor);
            }
        }

        return instructions;
    }

    /// <summary>BPF_PROG_LOAD; on rejection retries with the verifier log on and throws <see cref="BpfVerifierException"/>.</summary>
    internal static BpfHandle LoadProgram(string name, BpfProgramType type, byte[] instructions, string license, uint kernelVersion, int logSize)
    {
        // libbpf loads SEC("syscall") programs sleepable (BPF_F_SLEEPABLE), so they may call sleepable helpers.
        uint flags = type == BpfProgramType.Syscall ? 1u << 4 : 0;
        int errno = Interop.Bpf.ProgLoad((uint)type, instructions, license, kernelVersion, flags, name, default, out BpfHandle? handle);
        if (errno == 0)
        {
            return handle!;
        }

        if (logSize <= 0 || errno is not (EACCES or EINVAL))
        {
            throw BpfErrors.Create(errno, BpfCommand.ProgLoad, name);
        }

        byte[] log = new byte[logSize];
        int retry = Interop.Bpf.ProgLoad((uint)type, instructions, license, kernelVersion, flags, name, log, out handle);
        if (retry == 0)
        {
            return handle!;
        }

        int end = log.AsSpan().IndexOf((byte)0);
        string text = Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end);
        throw BpfObject.VerifierError(name, retry == ENOSPC ? errno : retry, text);
    }

    /// <summary>The program type a section name implies, by the prefixes libbpf and bpf_load.c understand.</summary>
    internal static BpfProgramType TypeOf(string section) => section switch
    {
        _ when section.StartsWith("socket", StringComparison.Ordinal) => BpfProgramType.SocketFilter,
        _ when section.StartsWith("kprobe/", StringComparison.Ordinal) || section.StartsWith("kretprobe/", StringComparison.Ordinal) => BpfProgramType.Kprobe,
        _ when section.StartsWith("uprobe", StringComparison.Ordinal) || section.StartsWith("uretprobe", StringComparison.Ordinal) => BpfProgramType.Kprobe,
        _ when section.StartsWith("tracepoint/", StringComparison.Ordinal) || section.StartsWith("tp/", StringComparison.Ordinal) => BpfProgramType.Tracepoint,
        _ when section.StartsWith("raw_tracepoint/", StringComparison.Ordinal) || section.StartsWith("raw_tp/", StringComparison.Ordinal) => BpfProgramType.RawTracepoint,
        _ when section.StartsWith("xdp", StringComparison.Ordinal) => BpfProgramType.Xdp,
        _ when section.StartsWith("perf_event", StringComparison.Ordinal) => BpfProgramType.PerfEvent,
        _ when section.StartsWith("cgroup/skb", StringComparison.Ordinal) || section.StartsWith("cgroup_skb/", StringComparison.Ordinal) => BpfProgramType.CgroupSkb,
        _ when section.StartsWith("cgroup/sock", StringComparison.Ordinal) => BpfProgramType.CgroupSock,
        _ when section.StartsWith("classifier", StringComparison.Ordinal) || section.StartsWith("tc", StringComparison.Ordinal) => BpfProgramType.SchedCls,
        _ when section.StartsWith("action", StringComparison.Ordinal) => BpfProgramType.SchedAct,
        _ when section.StartsWith("sockops", StringComparison.Ordinal) => BpfProgramType.SockOps,
        _ when section.StartsWith("sk_skb", StringComparison.Ordinal) => BpfProgramType.SkSkb,
        _ when section.StartsWith("sk_msg", StringComparison.Ordinal) => BpfProgramType.SkMsg,
        _ when section.StartsWith("syscall", StringComparison.Ordinal) => BpfProgramType.Syscall,
        _ => BpfProgramType.Unspecified,
    };

    private static int IndexOf(IReadOnlyList<ulong> offsets, ulong value)
    {
        for (int i = 0; i < offsets.Count; i++)
        {
            if (offsets[i] == value)
            {
                return i;
            }
        }

        return -1;
    }
}
