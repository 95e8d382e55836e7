using static BpfChannels.Interop.Errno;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfProgram
{
    /// <summary>
    /// Attaches a tc classifier (SEC("tc") or SEC("classifier"), BPF_PROG_TYPE_SCHED_CLS, direct-action) to the
    /// ingress or egress of an interface, creating the interface's clsact qdisc when it has none (netlink).
    /// </summary>
    /// <remarks>Requires Linux 4.5 or later.</remarks>
    /// <param name="interfaceIndex">The interface index (1 is usually the loopback device).</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <returns>A link whose disposal removes exactly this filter, once. The clsact qdisc stays: other filters may use it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is not positive or the direction unknown.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">ENODEV (no such interface), EINVAL (not a tc program) or another error.</exception>
    public BpfLink AttachTc(int interfaceIndex, BpfTcDirection direction)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interfaceIndex);
        if (direction is not (BpfTcDirection.Ingress or BpfTcDirection.Egress))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Ingress or Egress.");
        }

        string target = $"tc {direction.ToString().ToLowerInvariant()} ifindex {interfaceIndex}";
        var hook = new bpf_tc_hook { sz = (nuint)sizeof(bpf_tc_hook), ifindex = interfaceIndex, attach_point = (int)direction };
        int result = bpf_tc_hook_create(&hook);
        if (result < 0 && result != -EEXIST)
        {
            throw AttachError(-result, BpfCommand.TcHookCreate, target);
        }

        var opts = new bpf_tc_opts { sz = (nuint)sizeof(bpf_tc_opts) };
        using (var lease = new HandleLease(Handle))
        {
            opts.prog_fd = lease.FileDescriptor;
            result = bpf_tc_attach(&hook, &opts);
        }

        if (result < 0)
        {
            throw AttachError(-result, BpfCommand.TcAttach, target);
        }

        // bpf_tc_detach identifies the filter by handle and priority and wants the other fields zero.
        uint handle = opts.handle;
        uint priority = opts.priority;
        bpf_tc_hook detachHook = hook;
        return new BpfLink(() => DetachTc(detachHook, handle, priority), $"{target} (handle {handle}, priority {priority}) <- {Name}");
    }

    /// <summary>
    /// Attaches a tc program (SEC("tc"), BPF_PROG_TYPE_SCHED_CLS) to the ingress or egress of an interface through tcx
    /// (BPF_LINK_CREATE): a real BPF link, no qdisc, appended after programs already attached there.
    /// </summary>
    /// <remarks>Requires Linux 6.6 or later.</remarks>
    /// <param name="interfaceIndex">The interface index (1 is usually the loopback device).</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is not positive or the direction unknown.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">ENODEV (no such interface), EINVAL (not a tc program, or a kernel before 6.6) or another error.</exception>
    public BpfLink AttachTcx(int interfaceIndex, BpfTcDirection direction)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interfaceIndex);
        bool egress = direction switch
        {
            BpfTcDirection.Ingress => false,
            BpfTcDirection.Egress => true,
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Ingress or Egress."),
        };
        string target = $"tcx {direction.ToString().ToLowerInvariant()} ifindex {interfaceIndex}";
        int errno = Interop.Bpf.LinkCreateTcx(Handle, interfaceIndex, egress, out BpfHandle? link);
        return errno == 0 ? new BpfLink(link!, $"{target} <- {Name}") : throw AttachError(errno, BpfCommand.LinkCreate, target);
    }

    private static void DetachTc(bpf_tc_hook hook, uint handle, uint priority)
    {
        var opts = new bpf_tc_opts { sz = (nuint)sizeof(bpf_tc_opts), handle = handle, priority = priority };
        _ = bpf_tc_detach(&hook, &opts);
    }
}
