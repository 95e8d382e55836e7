namespace BpfChannels;

/// <summary>A way of attaching a program that <see cref="BpfFeatures.SupportsAttach"/> can ask this kernel about.</summary>
public enum BpfAttachKind
{
    /// <summary>kprobes and kretprobes through the kprobe PMU (Linux 4.17; a kernel built with CONFIG_KPROBES).</summary>
    Kprobe,

    /// <summary>uprobes and uretprobes through the uprobe PMU (Linux 4.17; CONFIG_UPROBE_EVENTS).</summary>
    Uprobe,

    /// <summary>Many kernel functions through one multi-kprobe link (BPF_TRACE_KPROBE_MULTI: Linux 5.18, CONFIG_FPROBE).</summary>
    KprobeMulti,

    /// <summary>Many offsets of a binary through one multi-uprobe link (BPF_TRACE_UPROBE_MULTI: Linux 6.6, CONFIG_UPROBES).</summary>
    UprobeMulti,

    /// <summary>Tracepoints through perf_event_open (tracepoint programs and tracefs).</summary>
    Tracepoint,

    /// <summary>Raw tracepoints (BPF_RAW_TRACEPOINT_OPEN, Linux 4.17).</summary>
    RawTracepoint,

    /// <summary>BTF-typed raw tracepoints: SEC("tp_btf/…") tracing programs (Linux 5.5, vmlinux BTF).</summary>
    BtfTracepoint,

    /// <summary>fentry programs on a kernel function's entry, through a BPF trampoline (Linux 5.5, vmlinux BTF).</summary>
    Fentry,

    /// <summary>fexit programs on a kernel function's return, through a BPF trampoline (Linux 5.5, vmlinux BTF).</summary>
    Fexit,

    /// <summary>BPF LSM programs on a security hook (Linux 5.7, CONFIG_BPF_LSM, and "bpf" among the active security modules).</summary>
    Lsm,

    /// <summary>BPF iterators (BPF_TRACE_ITER, Linux 5.8); <see cref="BpfFeatures.SupportsIterator"/> asks about one iterator target.</summary>
    Iterator,

    /// <summary>perf_event programs on a perf event (a sampling profiler's).</summary>
    PerfEvent,

    /// <summary>XDP through a BPF link (Linux 5.9).</summary>
    XdpLink,

    /// <summary>tc through a tcx link (Linux 6.6).</summary>
    Tcx,

    /// <summary>netkit devices through a netkit link (Linux 6.7, CONFIG_NETKIT).</summary>
    Netkit,
}
