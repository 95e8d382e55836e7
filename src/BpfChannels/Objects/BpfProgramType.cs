namespace BpfChannels;

/// <summary>The type of a BPF program (enum bpf_prog_type), which decides where it can attach and what it may do.</summary>
public enum BpfProgramType
{
    /// <summary>Not a valid program type.</summary>
    Unspecified = 0,

    /// <summary>BPF_PROG_TYPE_SOCKET_FILTER: filters packets on a socket (3.19).</summary>
    SocketFilter = 1,

    /// <summary>BPF_PROG_TYPE_KPROBE: kprobes and uprobes (4.1).</summary>
    Kprobe = 2,

    /// <summary>BPF_PROG_TYPE_SCHED_CLS: tc classifier (4.1).</summary>
    SchedCls = 3,

    /// <summary>BPF_PROG_TYPE_SCHED_ACT: tc action (4.1).</summary>
    SchedAct = 4,

    /// <summary>BPF_PROG_TYPE_TRACEPOINT: perf tracepoints (4.7).</summary>
    Tracepoint = 5,

    /// <summary>BPF_PROG_TYPE_XDP: express data path (4.8).</summary>
    Xdp = 6,

    /// <summary>BPF_PROG_TYPE_PERF_EVENT: perf events (4.9).</summary>
    PerfEvent = 7,

    /// <summary>BPF_PROG_TYPE_CGROUP_SKB: cgroup packet filter (4.10).</summary>
    CgroupSkb = 8,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCK: cgroup socket creation (4.10).</summary>
    CgroupSock = 9,

    /// <summary>BPF_PROG_TYPE_LWT_IN (4.10).</summary>
    LwtIn = 10,

    /// <summary>BPF_PROG_TYPE_LWT_OUT (4.10).</summary>
    LwtOut = 11,

    /// <summary>BPF_PROG_TYPE_LWT_XMIT (4.10).</summary>
    LwtXmit = 12,

    /// <summary>BPF_PROG_TYPE_SOCK_OPS (4.13).</summary>
    SockOps = 13,

    /// <summary>BPF_PROG_TYPE_SK_SKB (4.14).</summary>
    SkSkb = 14,

    /// <summary>BPF_PROG_TYPE_CGROUP_DEVICE (4.15).</summary>
    CgroupDevice = 15,

    /// <summary>BPF_PROG_TYPE_SK_MSG (4.17).</summary>
    SkMsg = 16,

    /// <summary>BPF_PROG_TYPE_RAW_TRACEPOINT (4.17).</summary>
    RawTracepoint = 17,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCK_ADDR (4.17).</summary>
    CgroupSockAddr = 18,

    /// <summary>BPF_PROG_TYPE_LWT_SEG6LOCAL (4.18).</summary>
    LwtSeg6Local = 19,

    /// <summary>BPF_PROG_TYPE_LIRC_MODE2 (4.18).</summary>
    LircMode2 = 20,

    /// <summary>BPF_PROG_TYPE_SK_REUSEPORT (4.19).</summary>
    SkReuseport = 21,

    /// <summary>BPF_PROG_TYPE_FLOW_DISSECTOR (4.20).</summary>
    FlowDissector = 22,

    /// <summary>BPF_PROG_TYPE_CGROUP_SYSCTL (5.2).</summary>
    CgroupSysctl = 23,

    /// <summary>BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE (5.2).</summary>
    RawTracepointWritable = 24,

    /// <summary>BPF_PROG_TYPE_CGROUP_SOCKOPT (5.3).</summary>
    CgroupSockopt = 25,

    /// <summary>BPF_PROG_TYPE_TRACING: tp_btf, fentry/fexit, iterators (5.5).</summary>
    Tracing = 26,

    /// <summary>BPF_PROG_TYPE_STRUCT_OPS (5.6).</summary>
    StructOps = 27,

    /// <summary>BPF_PROG_TYPE_EXT: freplace (5.6).</summary>
    Ext = 28,

    /// <summary>BPF_PROG_TYPE_LSM (5.7).</summary>
    Lsm = 29,

    /// <summary>BPF_PROG_TYPE_SK_LOOKUP (5.9).</summary>
    SkLookup = 30,

    /// <summary>BPF_PROG_TYPE_SYSCALL: runs only through BPF_PROG_TEST_RUN (5.14).</summary>
    Syscall = 31,

    /// <summary>BPF_PROG_TYPE_NETFILTER (6.4).</summary>
    Netfilter = 32,
}
