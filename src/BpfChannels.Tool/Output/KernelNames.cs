namespace BpfChannels.Tool;

/// <summary>The kernel's names of program, link and attach types, as libbpf and bpftool print them.</summary>
internal static class KernelNames
{
    private static readonly string[] ProgramTypes =
    [
        "unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event", "cgroup_skb",
        "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
        "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector", "cgroup_sysctl",
        "raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
    ];

    private static readonly string[] LinkTypes =
    [
        "unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp", "perf_event", "kprobe_multi", "struct_ops",
        "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap",
    ];

    private static readonly string[] AttachTypes =
    [
        "cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create", "cgroup_sock_ops", "sk_skb_stream_parser",
        "sk_skb_stream_verdict", "cgroup_device", "sk_msg_verdict", "cgroup_inet4_bind", "cgroup_inet6_bind",
        "cgroup_inet4_connect", "cgroup_inet6_connect", "cgroup_inet4_post_bind", "cgroup_inet6_post_bind",
        "cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg", "lirc_mode2", "flow_dissector", "cgroup_sysctl", "cgroup_udp4_recvmsg",
        "cgroup_udp6_recvmsg", "cgroup_getsockopt", "cgroup_setsockopt", "trace_raw_tp", "trace_fentry", "trace_fexit",
        "modify_return", "lsm_mac", "trace_iter", "cgroup_inet4_getpeername", "cgroup_inet6_getpeername",
        "cgroup_inet4_getsockname", "cgroup_inet6_getsockname", "xdp_devmap", "cgroup_inet_sock_release", "xdp_cpumap",
        "sk_lookup", "xdp", "sk_skb_verdict", "sk_reuseport_select", "sk_reuseport_select_or_migrate", "perf_event",
        "trace_kprobe_multi", "lsm_cgroup", "struct_ops", "netfilter", "tcx_ingress", "tcx_egress", "trace_uprobe_multi",
        "cgroup_unix_connect", "cgroup_unix_sendmsg", "cgroup_unix_recvmsg", "cgroup_unix_getpeername",
        "cgroup_unix_getsockname", "netkit_primary", "netkit_peer", "trace_kprobe_session",
    ];

    public static string? ProgramType(long type) => Get(ProgramTypes, type);

    public static string? LinkType(long type) => Get(LinkTypes, type);

    public static string? AttachType(long type) => Get(AttachTypes, type);

    /// <summary>Writes a type as bpftool does: its name, or its number when the name is unknown.</summary>
    public static void WriteType(System.Text.Json.Utf8JsonWriter json, string property, string? name, long number)
    {
        if (name is null)
        {
            json.WriteNumber(property, number);
        }
        else
        {
            json.WriteString(property, name);
        }
    }

    private static string? Get(string[] names, long index) => index >= 0 && index < names.Length ? names[index] : null;
}
