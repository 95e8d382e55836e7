using System.Buffers.Binary;
using System.Text;

namespace BpfChannels;

public sealed partial class BpfObject
{
    private ElfFile? _legacyElf;
    private readonly List<ElfFile.Section> _legacySections = [];
    private readonly List<ulong> _legacyMapOffsets = [];
    private int _legacyLogSize;

    /// <summary>Whether the object has legacy <c>struct bpf_map_def SEC("maps")</c> definitions and is loaded by this library's own ELF loader instead of libbpf.</summary>
    /// <remarks>
    /// Legacy objects support maps (with max entries and pin paths adjustable before load), test runs, pins, and
    /// attachment as the old samples loader did it: by section for tracepoints, raw tracepoints and kprobes
    /// (<see cref="BpfProgram.Attach()"/>), and with a target for xdp, tc, cgroup, socket filter and perf_event programs.
    /// Uprobes, USDT, iterators and BTF tracing need libbpf's program and are not available.
    /// </remarks>
    public bool IsLegacy => _legacyElf is not null;

    internal static BpfVerifierException VerifierError(string program, int errno, string log) => new(
        $"BPF_PROG_LOAD of program '{program}' failed with {BpfErrors.Name(errno)} ({errno}): the verifier rejected it. Verifier log (end):{Environment.NewLine}{Tail(log, 4000)}",
        program,
        errno,
        log);

    private void OpenLegacy(ReadOnlySpan<byte> bytes, BpfObjectOptions options)
    {
        ElfFile elf = ElfFile.Read(bytes, Name);
        _legacyElf = elf;
        _legacyLogSize = options.VerifierLogSize;
        foreach ((string name, ulong offset, BpfMapSpec spec) in LegacyElfLoader.ReadMaps(elf))
        {
            _maps.Add(new BpfObjectMap(this, name, spec));
            _legacyMapOffsets.Add(offset);
        }

        foreach ((string name, ElfFile.Section section, BpfProgramType type) in LegacyElfLoader.ReadPrograms(elf))
        {
            _programs.Add(new BpfProgram(this, name, section.Name, type));
            _legacySections.Add(section);
        }
    }

    private void LoadLegacy()
    {
        ElfFile elf = _legacyElf!;
        string license = elf.FindSection("license") is { } licenseSection ? Encoding.UTF8.GetString(elf.Data(licenseSection)).TrimEnd('\0') : string.Empty;
        uint version = elf.FindSection("version") is { Size: >= 4 } versionSection ? BinaryPrimitives.ReadUInt32LittleEndian(elf.Data(versionSection)) : 0;
        try
        {
            var maps = new List<BpfMap>(_maps.Count);
            foreach (BpfObjectMap map in _maps)
            {
                maps.Add(map.CreateLegacy());
            }

            // The maps are this object's and Load is not concurrent with Dispose, so their descriptors stay valid
            // while the patched instructions are loaded.
            for (int i = 0; i < _programs.Count; i++)
            {
                BpfProgram program = _programs[i];
                if (!program.AutoLoad)
                {
                    continue;
                }

                if (program.Type == BpfProgramType.Unspecified)
                {
                    throw new BpfException($"Program '{program.Name}' is in section '{program.SectionName}', which names no program type (use socket, kprobe/, tracepoint/, raw_tp/, xdp, tc, syscall...).", BpfCommand.ProgLoad.Name(), program.Name, Interop.Errno.EINVAL);
                }

                byte[] instructions = LegacyElfLoader.Relocate(elf, _legacySections[i], _legacyMapOffsets, maps);
                program.OnLoaded(LegacyElfLoader.LoadProgram(program.Name, program.Type, instructions, license, version, _legacyLogSize));
            }
        }
        catch
        {
            foreach (BpfObjectMap map in _maps)
            {
                map.Close();
            }

            foreach (BpfProgram program in _programs)
            {
                program.Close();
            }

            throw;
        }
    }
}
