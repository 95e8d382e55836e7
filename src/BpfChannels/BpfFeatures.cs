using System.Collections.Concurrent;

namespace BpfChannels;

/// <summary>
/// What the running kernel supports, found by probing it (creating a map, loading a trivial program, asking for a link the
/// kernel must refuse, looking for a PMU) and cached for the life of the process: map types, program types, helpers, kinds
/// of attachment (<see cref="GetAttachSupport"/>) and iterator targets (<see cref="GetIteratorSupport"/>). Tests use it to
/// fail where this kernel should have a feature, instead of skipping.
/// </summary>
/// <remarks>
/// Map and program types are probed by libbpf (libbpf_probe_bpf_*, libbpf 1.0, which knows the special cases: ring buffer sizes,
/// inner maps, BTF for storage maps), and by a plain BPF_MAP_CREATE or BPF_PROG_LOAD for types newer than the installed
/// libbpf. Helpers are probed by loading a program that calls the helper and reading the verifier's verdict, because
/// libbpf 1.1 misreads newer kernels' "program of this type cannot use helper" as support. Probes need the privilege to
/// create maps and load programs; without it they throw a <see cref="BpfException"/> rather than answer "unsupported".
/// Thread-safe: concurrent first calls may both probe, and agree.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static unsafe partial class BpfFeatures
{
    private static readonly ConcurrentDictionary<(int Kind, uint A, uint B), bool> Cache = new();

    /// <summary>Whether this kernel has kprobes: the kprobe PMU (/sys/bus/event_source/devices/kprobe) that a kernel built with CONFIG_KPROBES publishes.</summary>
    /// <remarks>The PMU exists from Linux 4.17.</remarks>
    public static bool HasKprobes => KernelEvents.PmuType("kprobe") is not null;

    /// <summary>Whether this kernel has uprobes: the uprobe PMU (/sys/bus/event_source/devices/uprobe; CONFIG_UPROBE_EVENTS).</summary>
    /// <remarks>The PMU exists from Linux 4.17.</remarks>
    public static bool HasUprobes => KernelEvents.PmuType("uprobe") is not null;

    /// <summary>Whether tracefs is mounted and lists the tracepoint <paramref name="category"/>:<paramref name="name"/>.</summary>
    /// <param name="category">The category, for example <c>syscalls</c>.</param>
    /// <param name="name">The tracepoint, for example <c>sys_enter_execve</c>.</param>
    /// <returns>Whether the tracepoint can be attached to.</returns>
    /// <exception cref="ArgumentException">The category or name is empty or contains a '/'.</exception>
    public static bool HasTracepoint(string category, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (category.Contains('/', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tracepoint '{category}:{name}' is not a category and a name.", nameof(name));
        }

        return KernelEvents.TracefsRoot is { } root && File.Exists(Path.Combine(root, "events", category, name, "id"));
    }

    /// <summary>Whether this kernel creates maps of <paramref name="type"/>.</summary>
    /// <param name="type">The map type.</param>
    /// <returns>Whether it is supported.</returns>
    /// <exception cref="BpfException">The probe itself failed (for example no privilege to create maps).</exception>
    public static bool SupportsMapType(BpfMapType type) =>
        Probe(0, (uint)type, 0, static (t, _) => Interop.Libbpf.libbpf_probe_bpf_map_type(t, null) is var r && r == -Interop.Errno.EOPNOTSUPP ? CreateMap(t) : r, $"map type {type}");

    /// <summary>Whether this kernel loads programs of <paramref name="type"/>.</summary>
    /// <param name="type">The program type.</param>
    /// <returns>Whether it is supported.</returns>
    /// <exception cref="BpfException">The probe itself failed (for example no privilege to load programs).</exception>
    /// <remarks>
    /// Tracing and LSM programs load only with a BTF attach target, so for those the answer is whether this kernel
    /// loads a tp_btf program (<see cref="BpfAttachKind.BtfTracepoint"/>) or an LSM program
    /// (<see cref="BpfAttachKind.Lsm"/>); some kernels load tracing programs of one attach type and refuse others
    /// (fentry, say), which <see cref="GetAttachSupport"/> tells apart.
    /// </remarks>
    public static bool SupportsProgramType(BpfProgramType type) => type switch
    {
        BpfProgramType.Tracing => SupportsAttach(BpfAttachKind.BtfTracepoint),
        BpfProgramType.Lsm => SupportsAttach(BpfAttachKind.Lsm),
        _ => Probe(1, (uint)type, 0, static (t, _) => Interop.Libbpf.libbpf_probe_bpf_prog_type(t, null) is var r && r == -Interop.Errno.EOPNOTSUPP ? LoadProgram(t, 0, out string _) : r, $"program type {type}"),
    };

    /// <summary>Whether a program of <paramref name="programType"/> may call the helper numbered <paramref name="helperId"/> (<c>enum bpf_func_id</c>, for example 1 for bpf_map_lookup_elem).</summary>
    /// <param name="programType">The program type.</param>
    /// <param name="helperId">The helper's number.</param>
    /// <returns>Whether the kernel accepts the call; false also when the program type itself is unsupported.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="helperId"/> is not positive.</exception>
    /// <exception cref="NotSupportedException">The program type loads only with a BTF attach target (tracing, LSM, extension, struct_ops), which a helper probe has not.</exception>
    /// <exception cref="BpfException">The probe itself failed.</exception>
    public static bool SupportsHelper(BpfProgramType programType, int helperId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(helperId);
        if (programType is BpfProgramType.Tracing or BpfProgramType.Lsm or BpfProgramType.Ext or BpfProgramType.StructOps)
        {
            throw new NotSupportedException($"{programType} programs load only with a BTF attach target, so their helpers cannot be probed with a stand-alone program.");
        }

        return SupportsProgramType(programType)
            && Probe(2, (uint)programType, (uint)helperId, static (t, h) => ProbeHelper(t, h), $"helper {helperId} in {programType} programs");
    }

    /// <summary>1 when a two-element array of the type can be created, 0 when the kernel says EINVAL, -errno otherwise.</summary>
    private static int CreateMap(uint type)
    {
        int errno = Interop.Bpf.MapCreate(type, 4, 8, 1, 0, "probe"u8, null, 0, 0, null, 0, 0, 0, 0, out BpfHandle? map);
        map?.Dispose();
        return errno switch { 0 => 1, Interop.Errno.EINVAL => 0, _ => -errno };
    }

    /// <summary>
    /// Loads <c>[call helper;] r0 = 0; exit</c>: 1 when it loads, 0 when the kernel says EINVAL, -errno otherwise; the
    /// verifier log comes back for the helper probe.
    /// </summary>
    private static int LoadProgram(uint type, uint helper, out string log)
    {
        // struct bpf_insn: code, dst/src registers, 16-bit offset, 32-bit immediate.
        ReadOnlySpan<byte> call = [0x85, 0, 0, 0, (byte)helper, (byte)(helper >> 8), (byte)(helper >> 16), (byte)(helper >> 24)];
        ReadOnlySpan<byte> exit = [0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
        byte[] instructions = helper == 0 ? exit.ToArray() : [.. call, .. exit];
        byte[] logBuffer = helper == 0 ? [] : new byte[4096];
        int errno = Interop.Bpf.ProgLoad(type, instructions, "GPL", 0, 0, "probe", logBuffer, out BpfHandle? program);
        program?.Dispose();
        int end = Array.IndexOf(logBuffer, (byte)0);
        log = System.Text.Encoding.UTF8.GetString(logBuffer, 0, end < 0 ? logBuffer.Length : end);
        return errno switch { 0 => 1, Interop.Errno.EINVAL => 0, _ => -errno };
    }

    /// <summary>1 when the verifier accepts the call (or rejects it for its arguments, after the helper itself passed), 0 when it refuses the helper.</summary>
    private static int ProbeHelper(uint type, uint helper)
    {
        int result = LoadProgram(type, helper, out string log);
        bool refused = log.Contains("invalid func", StringComparison.Ordinal) || log.Contains("unknown func", StringComparison.Ordinal)
            || log.Contains("cannot use helper", StringComparison.Ordinal);
        return refused ? 0 : result == 1 || log.Length > 0 ? 1 : result;
    }

    private static bool Probe(int kind, uint a, uint b, Func<uint, uint, int> probe, string what)
    {
        if (Cache.TryGetValue((kind, a, b), out bool known))
        {
            return known;
        }

        int result = probe(a, b);
        if (result < 0)
        {
            throw new BpfException(
                $"Probing whether this kernel supports {what} failed with {BpfErrors.Name(-result)} ({-result}): {Interop.Errno.Meaning(-result)} (the probe needs CAP_BPF to create maps and load programs).",
                BpfCommand.FeatureProbe.Name(),
                what,
                -result);
        }

        return Cache.GetOrAdd((kind, a, b), result == 1);
    }
}
