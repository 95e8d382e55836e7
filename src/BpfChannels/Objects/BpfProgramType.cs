namespace BpfChannels;

/// <summary>The type of a BPF program (enum bpf_prog_type), which decides where it can attach and what it may do.</summary>
public enum BpfProgramType
{
    /// <summary>Not a valid program type.</summary>
    Unspecified = 0,

    /// <summary>BPF_PROG_TYPE_SOCKET_FILTER: filters packets on a socket.</summary>
    /// <remarks>Requires Linux 3.19 or later.</remarks>
    SocketFilter = 1,

    /// <summary>BPF_PROG_TYPE_KPROBE: kprobes and uprobes.</summary>
    /// <remarks>Requires Linux 4.1 or later.</remarks>
    Kprobe = 2,

    /// <summary>BPF_PROG_TYPE_SCHED_CLS: tc classifier.</summary>
    /// <remarks>Requires Linux 4.1 or later.</remarks>
    SchedCls = 3,

    /// <summary>BPF_PROG_TYPE_SCHED_ACT: tc action.</summary>
    /// <remarks>Requires Linux 4.1 or later.</remarks>
    SchedAct = 4,

    /// <summary>BPF_PROG_TYPE_TRACEPOINT: perf tracepoints.</summary>
    /// <remarks>Requires Linux 4.7 or later.</remarks>
    Tracepoint = 5,

    /// <summary>BPF_PROG_TYPE_XDP: express data path.</summary>
    /// <remarks>Requires Linux 4.8 or later.</remarks>
    Xdp = 6,

    /// <summary>BPF_PROG_TYPE_PERF_EVENT: perf events.</summary>
    /// <remarks>Requires Linux 4.9 or later.</remarks>
    PerfEvent = 7,

    /// <summary>BPF_PROG_TYPE_CGROUP_SKB: cgroup packet filter.</summary>
    /// <remarks>Requires Linux 4.10 or later.</remarks>
    CgroupSkb = 8,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCK: cgroup socket creation.</summary>
    /// <remarks>Requires Linux 4.10 or later.</remarks>
    CgroupSock = 9,

    /// <summary>BPF_PROG_TYPE_LWT_IN.</summary>
    /// <remarks>Requires Linux 4.10 or later.</remarks>
    LwtIn = 10,

    /// <summary>BPF_PROG_TYPE_LWT_OUT.</summary>
    /// <remarks>Requires Linux 4.10 or later.</remarks>
    LwtOut = 11,

    /// <summary>BPF_PROG_TYPE_LWT_XMIT.</summary>
    /// <remarks>Requires Linux 4.10 or later.</remarks>
    LwtXmit = 12,

    /// <summary>BPF_PROG_TYPE_SOCK_OPS.</summary>
    /// <remarks>Requires Linux 4.13 or later.</remarks>
    SockOps = 13,

    /// <summary>BPF_PROG_TYPE_SK_SKB.</summary>
    /// <remarks>Requires Linux 4.14 or later.</remarks>
    SkSkb = 14,

    /// <summary>BPF_PROG_TYPE_CGROUP_DEVICE.</summary>
    /// <remarks>Requires Linux 4.15 or later.</remarks>
    CgroupDevice = 15,

    /// <summary>BPF_PROG_TYPE_SK_MSG.</summary>
    /// <remarks>Requires Linux 4.17 or later.</remarks>
    SkMsg = 16,

    /// <summary>BPF_PROG_TYPE_RAW_TRACEPOINT.</summary>
    /// <remarks>Requires Linux 4.17 or later.</remarks>
    RawTracepoint = 17,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCK_ADDR.</summary>
    /// <remarks>Requires Linux 4.17 or later.</remarks>
    CgroupSockAddr = 18,

    /// <summary>BPF_PROG_TYPE_LWT_SEG6LOCAL.</summary>
    /// <remarks>Requires Linux 4.18 or later.</remarks>
    LwtSeg6Local = 19,

    /// <summary>BPF_PROG_TYPE_LIRC_MODE2.</summary>
    /// <remarks>Requires Linux 4.18 or later.</remarks>
    LircMode2 = 20,

    /// <summary>BPF_PROG_TYPE_SK_REUSEPORT.</summary>
    /// <remarks>Requires Linux 4.19 or later.</remarks>
    SkReuseport = 21,

    /// <summary>BPF_PROG_TYPE_FLOW_DISSECTOR.</summary>
    /// <remarks>Requires Linux 4.20 or later.</remarks>
    FlowDissector = 22,

    /// <summary>BPF_PROG_TYPE_CGROUP_SYSCTL.</summary>
    /// <remarks>Requires Linux 5.2 or later.</remarks>
    CgroupSysctl = 23,

    /// <summary>BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE.</summary>
    /// <remarks>Requires Linux 5.2 or later.</remarks>
    RawTracepointWritable = 24,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCKOPT.</summary>
    /// <remarks>Requires Linux 5.3 or later.</remarks>
    CgroupSockopt = 25,

    /// <summary>BPF_PROG_TYPE_TRACING: tp_btf, fentry/fexit, iterators.</summary>
    /// <remarks>Requires Linux 5.5 or later.</remarks>
    Tracing = 26,

    /// <summary>BPF_PROG_TYPE_STRUCT_OPS.</summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    StructOps = 27,

    /// <summary>BPF_PROG_TYPE_EXT: freplace.</summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    Ext = 28,

    /// <summary>BPF_PROG_TYPE_LSM.</summary>
    /// <remarks>Requires Linux 5.7 or later.</remarks>
    Lsm = 29,

    /// <summary>BPF_PROG_TYPE_SK_LOOKUP.</summary>
    /// <remarks>Requires Linux 5.9 or later.</remarks>
    SkLookup = 30,

    /// <summary>BPF_PROG_TYPE_SYSCALL: runs only through BPF_PROG_TEST_RUN.</summary>
    /// <remarks>Requires Linux 5.14 or later.</remarks>
    Syscall = 31,

    /// <summary>BPF_PROG_TYPE_NETFILTER.</summary>
    /// <remarks>Requires Linux 6.4 or later.</remarks>
    Netfilter = 32,
}
