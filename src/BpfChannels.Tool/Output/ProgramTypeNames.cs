namespace BpfChannels.Tool;

/// <summary>The kernel's names of program types (enum bpf_prog_type), as libbpf and bpftool print them.</summary>
internal static class ProgramTypeNames
{
    private static readonly string[] Names =
    [
        "unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event", "cgroup_skb",
        "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
        "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector", "cgroup_sysctl",
        "raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
    ];

    public static string? Get(long type) => type >= 0 && type < Names.Length ? Names[type] : null;
}
