using System.Collections.Concurrent;
using System.Text;

namespace BpfChannels;

public static partial class BpfFeatures
{
    private const uint ProgTypeKprobe = 2;
    private const uint ProgTypeSchedCls = 3;
    private const uint ProgTypeXdp = 6;
    private const uint ProgTypePerfEvent = 7;
    private const uint ProgTypeRawTracepoint = 17;
    private const uint ProgTypeTracing = 26;
    private const uint ProgTypeLsm = 29;

    // No interface has this index, so a link probe reaches the kernel's device lookup and stops there (ENODEV).
    private const int NoSuchInterface = int.MaxValue;

    // An XDP link to a missing device is EINVAL, as is an unknown link type, so the XDP probe asks instead for native
    // (driver) mode on the loopback device (always index 1), which has no native XDP: EOPNOTSUPP from a kernel with
    // XDP links, before anything is attached. The probe program returns XDP_PASS all the same.
    private const int LoopbackInterface = 1;
    private const uint XdpFlagsDriverMode = 1u << 2;
    private const int XdpPass = 2;

    // Functions an fentry/fexit probe loads against: bpf_fentry_test1 exists for this purpose in every kernel with
    // BPF_PROG_TEST_RUN; vfs_read in every kernel.
    private static readonly string[] TrampolineTargets = ["bpf_fentry_test1", "vfs_read"];

    private static readonly ConcurrentDictionary<string, BpfFeatureStatus> AttachCache = new(StringComparer.Ordinal);

    /// <summary>Whether this kernel supports attaching programs the way <paramref name="kind"/> says.</summary>
    /// <param name="kind">The kind of attachment.</param>
    /// <returns>Whether it is supported; <see cref="GetAttachSupport"/> says why not.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    /// <exception cref="BpfException">The probe itself failed (for example no privilege to load programs).</exception>
    public static bool SupportsAttach(BpfAttachKind kind) => GetAttachSupport(kind).IsSupported;

    /// <summary>
    /// Probes whether this kernel supports attaching programs the way <paramref name="kind"/> says, and what showed it:
    /// the program the probe loaded, the link it asked for, or the file that is missing.
    /// </summary>
    /// <remarks>
    /// The probes have no lasting effect: they load a two-instruction program and, for links, ask for one the kernel
    /// must refuse at its last check (an interface that does not exist, a function that does not exist, a path that
    /// is a directory), which tells a kernel that has the link type (that refusal) from one that has not (EINVAL, or
    /// EOPNOTSUPP when the kernel was built without it). Answers are cached for the life of the process. Thread-safe.
    /// </remarks>
    /// <param name="kind">The kind of attachment.</param>
    /// <returns>The probe's result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    /// <exception cref="BpfException">The probe itself failed (for example no privilege to load programs).</exception>
    public static BpfFeatureStatus GetAttachSupport(BpfAttachKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "A value of BpfAttachKind.");
        }

        return AttachCache.TryGetValue(kind.ToString(), out BpfFeatureStatus known) ? known : AttachCache.GetOrAdd(kind.ToString(), ProbeAttach(kind));
    }

    /// <summary>Whether this kernel loads iterator programs for the iterator <paramref name="target"/> (SEC("iter/<paramref name="target"/>")).</summary>
    /// <param name="target">The iterator, as in its section name: <c>task</c>, <c>bpf_map_elem</c>, <c>cgroup</c>, <c>tcp</c>…</param>
    /// <returns>Whether it is supported; <see cref="GetIteratorSupport"/> says why not.</returns>
    /// <exception cref="ArgumentException">The target is empty or not an identifier.</exception>
    /// <exception cref="BpfException">The probe itself failed.</exception>
    public static bool SupportsIterator(string target) => GetIteratorSupport(target).IsSupported;

    /// <summary>Probes whether this kernel loads iterator programs for the iterator <paramref name="target"/>, and what showed it.</summary>
    /// <remarks>Requires Linux 5.8 or later and vmlinux BTF (the iterator's bpf_iter_&lt;target&gt; function is looked up there). Cached; thread-safe.</remarks>
    /// <param name="target">The iterator, as in its section name: <c>task</c>, <c>bpf_map_elem</c>, <c>cgroup</c>, <c>tcp</c>…</param>
    /// <returns>The probe's result.</returns>
    /// <exception cref="ArgumentException">The target is empty or not an identifier.</exception>
    /// <exception cref="BpfException">The probe itself failed.</exception>
    public static BpfFeatureStatus GetIteratorSupport(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        foreach (char c in target)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                throw new ArgumentException($"Iterator target '{target}' is not an identifier (the part of SEC(\"iter/...\") after the slash).", nameof(target));
            }
        }

        string key = "iter/" + target;
        return AttachCache.TryGetValue(key, out BpfFeatureStatus known)
            ? known
            : AttachCache.GetOrAdd(key, ProbeBtfProgram(ProgTypeTracing, Interop.Bpf.BPF_TRACE_ITER, target, $"an iter/{target} program", "bpf_iter_" + target));
    }

    /// <summary>The probe for the BTF-targeted kind a section names (fentry/, fexit/, lsm/, tp_btf/, iter/), or null for other sections.</summary>
    internal static BpfFeatureStatus? ForSection(string section)
    {
        int slash = section.IndexOf('/', StringComparison.Ordinal);
        string prefix = slash < 0 ? section : section[..slash];
        return prefix switch
        {
            "fentry" or "fentry.s" => GetAttachSupport(BpfAttachKind.Fentry),
            "fexit" or "fexit.s" => GetAttachSupport(BpfAttachKind.Fexit),
            "lsm" or "lsm.s" => GetAttachSupport(BpfAttachKind.Lsm),
            "tp_btf" => GetAttachSupport(BpfAttachKind.BtfTracepoint),
            "iter" or "iter.s" when slash > 0 && section[(slash + 1)..] is { Length: > 0 } target && target.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') => GetIteratorSupport(target),
            _ => null,
        };
    }

    private static BpfFeatureStatus ProbeAttach(BpfAttachKind kind) => kind switch
    {
        BpfAttachKind.Kprobe => Pmu("kprobe", "CONFIG_KPROBES (and CONFIG_KPROBE_EVENTS)"),
        BpfAttachKind.Uprobe => Pmu("uprobe", "CONFIG_UPROBE_EVENTS"),
        BpfAttachKind.KprobeMulti => ProbeLink(ProgTypeKprobe, Interop.Bpf.BPF_TRACE_KPROBE_MULTI, "a multi-kprobe link", Interop.Errno.ENOENT, "a kernel function that does not exist", "CONFIG_FPROBE", "5.18", static p =>
            (Interop.Bpf.LinkCreateKprobeMulti(p, ["bpfchannels_probe_no_such_function"], false, out BpfHandle? l), l)),
        BpfAttachKind.UprobeMulti => ProbeLink(ProgTypeKprobe, Interop.Bpf.BPF_TRACE_UPROBE_MULTI, "a multi-uprobe link", Interop.Errno.EBADF, "a path that is a directory", "CONFIG_UPROBES", "6.6", static p =>
            (Interop.Bpf.LinkCreateUprobeMulti(p, "/", 0, out BpfHandle? l), l)),
        BpfAttachKind.Tracepoint => ProbeTracepoint(),
        BpfAttachKind.RawTracepoint => ProbeLink(ProgTypeRawTracepoint, 0, "a raw tracepoint", Interop.Errno.ENOENT, "a tracepoint that does not exist", null, "4.17", static p =>
            (Interop.Bpf.RawTracepointOpen(p, "bpfchannels_probe_no_such_tracepoint", out BpfHandle? l), l)),
        BpfAttachKind.BtfTracepoint => ProbeBtfProgram(ProgTypeTracing, Interop.Bpf.BPF_TRACE_RAW_TP, "sys_enter", "a tp_btf/sys_enter program", "btf_trace_sys_enter"),
        BpfAttachKind.Fentry => ProbeTrampoline(Interop.Bpf.BPF_TRACE_FENTRY, "fentry"),
        BpfAttachKind.Fexit => ProbeTrampoline(Interop.Bpf.BPF_TRACE_FEXIT, "fexit"),
        BpfAttachKind.Lsm => ProbeBtfProgram(ProgTypeLsm, Interop.Bpf.BPF_LSM_MAC, "file_open", "an lsm/file_open program", "bpf_lsm_file_open"),
        BpfAttachKind.Iterator => GetIteratorSupport("task"),
        BpfAttachKind.PerfEvent => ProbePerfEvent(),
        BpfAttachKind.XdpLink => ProbeLink(ProgTypeXdp, 0, "an XDP link", Interop.Errno.EOPNOTSUPP, "native mode on the loopback device, which has none", null, "5.9", static p =>
            (Interop.Bpf.LinkCreateXdp(p, LoopbackInterface, out BpfHandle? l, XdpFlagsDriverMode), l)),
        BpfAttachKind.Tcx => ProbeLink(ProgTypeSchedCls, Interop.Bpf.BPF_TCX_INGRESS, "a tcx link", Interop.Errno.ENODEV, "a device that does not exist", "CONFIG_NET_XGRESS", "6.6", static p =>
            (Interop.Bpf.LinkCreateTcx(p, NoSuchInterface, false, out BpfHandle? l), l)),
        BpfAttachKind.Netkit => ProbeLink(ProgTypeSchedCls, Interop.Bpf.BPF_NETKIT_PRIMARY, "a netkit link", Interop.Errno.ENODEV, "a device that does not exist", "CONFIG_NETKIT", "6.7", static p =>
            (Interop.Bpf.LinkCreateNetkit(p, NoSuchInterface, out BpfHandle? l), l)),
        _ => throw new System.Diagnostics.UnreachableException($"No probe for {kind}."),
    };

    private static BpfFeatureStatus Pmu(string pmu, string config) => KernelEvents.PmuType(pmu) is { } type
        ? new BpfFeatureStatus(true, 0, $"the {pmu} PMU is /sys/bus/event_source/devices/{pmu} (type {type})")
        : new BpfFeatureStatus(false, 0, $"this kernel has no {pmu} PMU (/sys/bus/event_source/devices/{pmu}): it was built without {config}, or is older than Linux 4.17");

    private static BpfFeatureStatus ProbeTracepoint()
    {
        if (!SupportsProgramType(BpfProgramType.Tracepoint))
        {
            return new BpfFeatureStatus(false, Interop.Errno.EINVAL, "this kernel does not load tracepoint programs (it was built without CONFIG_BPF_EVENTS)");
        }

        return KernelEvents.TracefsRoot is { } root
            ? new BpfFeatureStatus(true, 0, $"tracepoint programs load and tracefs lists the tracepoints under {root}/events")
            : new BpfFeatureStatus(false, Interop.Errno.ENOENT, "tracepoint programs load, but tracefs is not mounted, so no tracepoint id can be read (mount -t tracefs tracefs /sys/kernel/tracing)");
    }

    private static BpfFeatureStatus ProbePerfEvent()
    {
        if (!SupportsProgramType(BpfProgramType.PerfEvent))
        {
            return new BpfFeatureStatus(false, Interop.Errno.EINVAL, "this kernel does not load perf_event programs");
        }

        var attr = new Interop.PerfEvent.perf_event_attr
        {
            type = Interop.PerfEvent.PERF_TYPE_SOFTWARE,
            config = 0, // PERF_COUNT_SW_CPU_CLOCK
            sample_period = 1_000_000,
            flags = Interop.PerfEvent.ATTR_FLAG_DISABLED,
        };
        int errno = Interop.PerfEvent.Open(ref attr, -1, 0, out int fd);
        if (errno != 0)
        {
            return errno is Interop.Errno.EACCES or Interop.Errno.EPERM
                ? throw ProbeFailed("perf_event programs", errno, BpfCommand.PerfEventOpen)
                : new BpfFeatureStatus(false, errno, $"perf_event programs load, but perf_event_open of a CPU clock event failed with {BpfErrors.Name(errno)}: {Interop.Errno.Meaning(errno)}");
        }

        Interop.Libc.Close(fd);
        return new BpfFeatureStatus(true, 0, "perf_event programs load and perf_event_open opens a CPU clock event");
    }

    private static BpfFeatureStatus ProbeTrampoline(uint attachType, string section)
    {
        foreach (string function in TrampolineTargets)
        {
            if (FindVmlinuxBtfId(function, attachType) > 0)
            {
                return ProbeBtfProgram(ProgTypeTracing, attachType, function, $"an {section}/{function} program", function);
            }
        }

        return new BpfFeatureStatus(false, Interop.Errno.ENOENT, $"vmlinux BTF (/sys/kernel/btf/vmlinux) has none of {string.Join(", ", TrampolineTargets)} to load an {section} program against");
    }

    /// <summary>Loads a trivial program of a BTF-targeted type against the vmlinux BTF of <paramref name="name"/>.</summary>
    private static BpfFeatureStatus ProbeBtfProgram(uint type, uint attachType, string name, string what, string btfName)
    {
        int id = FindVmlinuxBtfId(name, attachType);
        if (id <= 0)
        {
            return new BpfFeatureStatus(false, -id, $"vmlinux BTF (/sys/kernel/btf/vmlinux) has no {btfName}, so this kernel cannot load {what} (no BTF, a kernel older than the feature, or built without it)");
        }

        BpfFeatureStatus status = Load(type, attachType, (uint)id, what, out BpfHandle? program);
        program?.Dispose();
        return status;
    }

    /// <summary>Loads a trivial program, then asks for a link the kernel must refuse with <paramref name="expected"/> if it has the link type.</summary>
    private static BpfFeatureStatus ProbeLink(uint type, uint attachType, string what, int expected, string target, string? config, string since, Func<BpfHandle, (int Errno, BpfHandle? Link)> link)
    {
        BpfFeatureStatus loaded = Load(type, attachType, 0, $"the program for {what}", out BpfHandle? program, type == ProgTypeXdp ? XdpPass : 0);
        if (program is null)
        {
            return loaded;
        }

        using (program)
        {
            (int errno, BpfHandle? created) = link(program);
            created?.Dispose();
            string built = config is null ? string.Empty : $", or was built without {config}";
            return errno switch
            {
                0 => new BpfFeatureStatus(true, 0, $"the kernel created {what}"),
                _ when errno == expected => new BpfFeatureStatus(true, errno, $"the kernel knows {what}: it refused the probe's target, {target}, with {BpfErrors.Name(errno)}, as it does only after accepting the kind of link"),
                Interop.Errno.EINVAL => new BpfFeatureStatus(false, errno, $"the kernel refused {what} with EINVAL: it predates Linux {since}{built}"),
                Interop.Errno.EOPNOTSUPP or Interop.Errno.ENOTSUPP => new BpfFeatureStatus(false, errno, $"the kernel refused {what} with {BpfErrors.Name(errno)}: it was built without support for it{(config is null ? string.Empty : $" ({config})")}"),
                Interop.Errno.EPERM when BpfPermissionFacts.HoldsBpfCapabilities() => new BpfFeatureStatus(false, errno, $"the kernel refused {what} with EPERM to a process that holds every BPF capability: {BpfPermissionFacts.KernelRefusal()}"),
                _ => throw ProbeFailed(what, errno, BpfCommand.LinkCreate),
            };
        }
    }

    /// <summary>Loads <c>r0 = <paramref name="returnValue"/>; exit</c>; the program is returned when it loads.</summary>
    private static BpfFeatureStatus Load(uint type, uint attachType, uint btfId, string what, out BpfHandle? program, int returnValue = 0)
    {
        ReadOnlySpan<byte> instructions = [0xb7, 0, 0, 0, (byte)returnValue, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
        byte[] log = new byte[4096];
        int errno = Interop.Bpf.ProgLoad(type, instructions, "GPL", 0, 0, "probe", log, out program, attachType, btfId);
        string verifier = FirstLine(log);
        string said = verifier.Length == 0 ? "the verifier gave no reason: the refusal came before any instruction was checked" : $"the verifier said \"{verifier}\"";
        return errno switch
        {
            0 => new BpfFeatureStatus(true, 0, $"the kernel loaded {what}"),
            Interop.Errno.EPERM when BpfPermissionFacts.HoldsBpfCapabilities() => new BpfFeatureStatus(false, errno, $"the kernel refused to load {what} with EPERM to a process that holds every BPF capability ({said}): {BpfPermissionFacts.KernelRefusal()}"),
            Interop.Errno.EINVAL or Interop.Errno.E2BIG or Interop.Errno.EOPNOTSUPP or Interop.Errno.ENOTSUPP or Interop.Errno.ENOENT
                => new BpfFeatureStatus(false, errno, $"the kernel refused to load {what} with {BpfErrors.Name(errno)} ({said})"),
            _ => throw ProbeFailed(what, errno, BpfCommand.ProgLoad),
        };
    }

    private static unsafe int FindVmlinuxBtfId(string name, uint attachType)
    {
        fixed (byte* p = Encoding.UTF8.GetBytes(name + "\0"))
        {
            return Interop.Libbpf.libbpf_find_vmlinux_btf_id(p, attachType);
        }
    }

    /// <summary>The first line of the verifier log that is not bookkeeping (subprogram list, statistics), or empty.</summary>
    private static string FirstLine(byte[] log)
    {
        int end = Array.IndexOf(log, (byte)0);
        foreach (string line in Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("func#", StringComparison.Ordinal) && !line.StartsWith("processed ", StringComparison.Ordinal)
                && !line.StartsWith("verification time", StringComparison.Ordinal) && !line.StartsWith("stack depth", StringComparison.Ordinal))
            {
                return line;
            }
        }

        return string.Empty;
    }

    private static BpfException ProbeFailed(string what, int errno, BpfCommand command) => new(
        $"Probing whether this kernel supports {what} failed: {command.Name()} failed with {BpfErrors.Name(errno)} ({errno}): {BpfErrors.Explain(errno, command, default)}.",
        BpfCommand.FeatureProbe.Name(),
        what,
        errno);
}
