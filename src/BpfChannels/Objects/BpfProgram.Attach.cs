using System.Runtime.InteropServices;
using static BpfChannels.Interop.Errno;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfProgram
{
    /// <summary>
    /// Attaches the program where its section says, as the old samples loader (bpf_load.c) and libbpf do:
    /// <c>tracepoint/cat/name</c> and <c>tp/cat/name</c> (tracefs id, perf_event_open, a perf link or PERF_EVENT_IOC_SET_BPF),
    /// <c>raw_tracepoint/name</c> and <c>raw_tp/name</c>, <c>kprobe/func[+offset]</c> and <c>kretprobe/func</c> (the kprobe PMU),
    /// <c>kprobe.multi/pattern</c> and <c>kretprobe.multi/pattern</c> (one multi-kprobe link),
    /// and for objects loaded by libbpf every other section libbpf attaches by itself (<c>tp_btf/…</c>, <c>fentry/…</c>,
    /// <c>iter/…</c>, <c>uprobe/binary:func</c>, <c>usdt/…</c>…).
    /// </summary>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="InvalidOperationException">
    /// The program is not loaded, or its section does not say where it attaches (xdp, tc, socket, cgroup, perf_event):
    /// the message names the method or <see cref="Attach(string)"/> target to use.
    /// </exception>
    /// <exception cref="BpfException">The attach point does not exist (no such tracepoint; a kernel without kprobes, CONFIG_KPROBES) or the kernel refused.</exception>
    /// <remarks>Thread-safe after load.</remarks>
    public BpfLink Attach()
    {
        _ = Handle;
        BpfSection section = BpfSection.Parse(SectionName);
        switch (section.Kind)
        {
            case BpfSectionKind.Tracepoint:
                return AttachTracepoint(section.Category, section.Target);
            case BpfSectionKind.RawTracepoint:
                return AttachRawTracepoint(section.Target);
            case BpfSectionKind.Kprobe:
                return AttachKprobe(section.Target, section.Offset, section.IsReturn);
            case BpfSectionKind.KprobeMulti:
                return AttachKprobeMulti(section.Target, section.IsReturn);
            case BpfSectionKind.NeedsTarget:
                throw new InvalidOperationException($"Program '{Name}' (SEC(\"{SectionName}\")) does not say where it attaches: {section.Hint}.");
            default:
                if (_program == 0)
                {
                    throw new InvalidOperationException($"Program '{Name}' of legacy object '{_owner.Name}' is in section '{SectionName}', which names no attach point this library can attach without libbpf (tracepoint/, raw_tp/, kprobe/, kretprobe/; or Attach(target) for xdp, tc, cgroup, perf_event).");
                }

                nint link = bpf_program__attach(_program);
                return link != 0 ? new BpfLink(link, $"{SectionName} <- {Name}") : throw AttachError(BpfCommand.ProgramAttach, SectionName);
        }
    }

    /// <summary>
    /// Attaches the program to a target its section does not name, read as its type says: an XDP program's interface
    /// (<c>lo</c>), a tc program's <c>interface[:ingress|:egress]</c>, a cgroup program's cgroup v2 directory, a tracepoint
    /// program's <c>category:name</c>, a raw tracepoint's name, a kprobe's <c>function[+offset]</c>, a uprobe's
    /// <c>binary:function</c>, a perf_event program's <c>event[@N Hz|@period]</c> on every CPU (<c>cpu-clock@99Hz</c>;
    /// events cpu-clock, task-clock, cpu-cycles, instructions). This is the form configuration uses.
    /// </summary>
    /// <param name="target">The target.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">The target is empty or not of the form the program's type needs.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded, or its type takes no textual target (a socket filter needs a socket).</exception>
    /// <exception cref="BpfException">The target does not exist or the kernel refused.</exception>
    public BpfLink Attach(string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        return BpfAttachTarget.Attach(this, target.Trim());
    }

    /// <summary>Attaches a raw tracepoint program (SEC("raw_tp/…")) to the raw tracepoint <paramref name="tracepoint"/> (BPF_RAW_TRACEPOINT_OPEN).</summary>
    /// <remarks>Requires Linux 4.17 or later.</remarks>
    /// <param name="tracepoint">The raw tracepoint, for example <c>sys_enter</c>.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">ENOENT (no such tracepoint), EINVAL (the program is not a raw tracepoint program) or another error.</exception>
    public BpfLink AttachRawTracepoint(string tracepoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(tracepoint);
        int errno = Interop.Bpf.RawTracepointOpen(Handle, tracepoint, out BpfHandle? link);
        return errno == 0 ? new BpfLink(link!, $"raw_tp/{tracepoint} <- {Name}") : throw AttachError(errno, BpfCommand.RawTracepointOpen, tracepoint);
    }

    /// <summary>
    /// Attaches a BTF tracing program, whose target was fixed at load from its section: SEC("tp_btf/…"),
    /// SEC("fentry/…") and SEC("fexit/…"), SEC("fmod_ret/…"), SEC("lsm/…").
    /// </summary>
    /// <remarks>Requires Linux 5.5 or later (SEC("lsm/…") 5.7).</remarks>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="InvalidOperationException">The program is not loaded, or came from a legacy object (which has no BTF target).</exception>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public BpfLink AttachTracing()
    {
        RequireLibbpf("AttachTracing");
        nint link = bpf_program__attach_trace(_program);
        return link != 0 ? new BpfLink(link, $"{SectionName} <- {Name}") : throw AttachError(BpfCommand.ProgramAttachTrace, SectionName);
    }

    /// <summary>
    /// Attaches a tracepoint program (SEC("tracepoint/…")) to the perf tracepoint <paramref name="category"/>:<paramref name="name"/>:
    /// its id from tracefs, perf_event_open, then a perf link or PERF_EVENT_IOC_SET_BPF. Works for legacy objects too.
    /// </summary>
    /// <remarks>Requires Linux 4.7 or later (a BPF link 5.15; PERF_EVENT_IOC_SET_BPF before).</remarks>
    /// <param name="category">The tracepoint's category (a directory under /sys/kernel/tracing/events), for example <c>syscalls</c>.</param>
    /// <param name="name">The tracepoint's name, for example <c>sys_enter_openat</c>.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">The category or name is empty or contains a '/'.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">ENOENT: no such tracepoint, or tracefs is not mounted (the message says which); or the kernel refused.</exception>
    public BpfLink AttachTracepoint(string category, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _ = Handle;
        var attr = new Interop.PerfEvent.perf_event_attr
        {
            type = Interop.PerfEvent.PERF_TYPE_TRACEPOINT,
            config = KernelEvents.TracepointId(category, name, Name),
            sample_period = 1,
            wakeup_events = 1,
            flags = Interop.PerfEvent.ATTR_FLAG_DISABLED,
        };
        return AttachToPerfEvents(attr, -1, [0], 0, $"tracepoint/{category}/{name}");
    }

    private void RequireLibbpf(string method)
    {
        _ = Handle;
        if (_program == 0)
        {
            throw new InvalidOperationException($"{method} goes through libbpf, which did not load program '{Name}' (a legacy SEC(\"maps\") object); legacy programs attach through Attach(), Attach(target), AttachTracepoint, AttachRawTracepoint, AttachKprobe, AttachXdp, AttachTc, AttachCgroup, AttachSocketFilter and AttachPerfEvent.");
        }
    }

    private BpfException AttachError(BpfCommand call, string target) => AttachError(Marshal.GetLastPInvokeError() is var e and > 0 ? e : EINVAL, call, target);

    private BpfException AttachError(int errno, BpfCommand call, string target)
    {
        string why = errno switch
        {
            ENOENT => "there is no such attach point (check the name under /sys/kernel/tracing/events or /sys/kernel/btf/vmlinux, and that tracefs is mounted)",
            EINVAL => "the program's type or section does not fit this attach point",
            EOPNOTSUPP or ENOTSUPP => $"this kernel does not support attaching a {Type} program this way",
            _ => BpfErrors.Explain(errno, call, default),
        };
        return new BpfException($"Attaching program '{Name}' to '{target}' ({call.Name()}) failed with {BpfErrors.Name(errno)} ({errno}): {why}.", call.Name(), Name, errno);
    }
}
