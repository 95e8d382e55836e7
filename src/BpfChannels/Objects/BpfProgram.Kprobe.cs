using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfProgram
{
    /// <summary>
    /// Attaches a kprobe program (SEC("kprobe/…") or SEC("kretprobe/…"), BPF_PROG_TYPE_KPROBE) to the kernel function
    /// <paramref name="function"/>, at <paramref name="offset"/> bytes into it, or to its return, through the kprobe PMU
    /// (perf_event_open) and a perf link or PERF_EVENT_IOC_SET_BPF. Works for legacy objects too.
    /// </summary>
    /// <remarks>Requires Linux 4.17 or later and a kernel built with CONFIG_KPROBES (a perf link from 5.15). Thread-safe.</remarks>
    /// <param name="function">The kernel function's symbol, for example <c>do_unlinkat</c>.</param>
    /// <param name="offset">Bytes past the function's start (0 for its entry); must be 0 for a return probe.</param>
    /// <param name="isReturnProbe">Fire when the function returns (a kretprobe).</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">The function is empty, or a return probe has an offset.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">
    /// The kernel has no kprobes (built without CONFIG_KPROBES; <see cref="BpfFeatures.HasKprobes"/> says so beforehand),
    /// ENOENT (no such function, or not probeable), or another error.
    /// </exception>
    public BpfLink AttachKprobe(string function, long offset = 0, bool isReturnProbe = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (isReturnProbe && offset != 0)
        {
            throw new ArgumentException("A return probe fires at the function's return; it takes no offset.", nameof(offset));
        }

        _ = Handle;
        string target = $"{(isReturnProbe ? "kretprobe" : "kprobe")}/{function}{(offset == 0 ? string.Empty : $"+{offset}")}";
        uint type = KernelEvents.PmuType("kprobe") ?? throw NoKprobes(target);
        byte[] name = Encoding.UTF8.GetBytes(function + "\0");
        fixed (byte* p = name)
        {
            var attr = new Interop.PerfEvent.perf_event_attr
            {
                type = type,
                config = isReturnProbe ? 1UL << KernelEvents.RetprobeBit("kprobe") : 0,
                config1 = (ulong)p,
                config2 = (ulong)offset,
                sample_period = 1,
                wakeup_events = 1,
                flags = Interop.PerfEvent.ATTR_FLAG_DISABLED,
            };
            return AttachToPerfEvents(attr, -1, [0], 0, target);
        }
    }

    /// <summary>
    /// Attaches a multi-kprobe program (SEC("kprobe.multi/…") or SEC("kretprobe.multi/…")) to every kernel function
    /// whose name matches <paramref name="pattern"/> (<c>*</c> and <c>?</c> wildcards) through one BPF link (libbpf).
    /// </summary>
    /// <remarks>Requires Linux 5.18 or later built with CONFIG_FPROBE. Thread-safe.</remarks>
    /// <param name="pattern">The function name pattern, for example <c>vfs_*</c>.</param>
    /// <param name="isReturnProbe">Fire at the functions' returns.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">The pattern is empty.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded, or came from a legacy object (which cannot be loaded as a multi-kprobe program).</exception>
    /// <exception cref="BpfException">
    /// The kernel has no multi-kprobe links (<see cref="BpfFeatures.GetAttachSupport"/> with <see cref="BpfAttachKind.KprobeMulti"/>
    /// says why: a kernel before 5.18, or built without CONFIG_FPROBE), no function matches (ENOENT), or another error.
    /// </exception>
    public BpfLink AttachKprobeMulti(string pattern, bool isReturnProbe = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        RequireLibbpf("AttachKprobeMulti");
        string target = $"{(isReturnProbe ? "kretprobe" : "kprobe")}.multi/{pattern}";
        if (BpfFeatures.GetAttachSupport(BpfAttachKind.KprobeMulti) is { IsSupported: false } support)
        {
            throw new BpfException(
                $"Attaching program '{Name}' to {target} failed: this kernel does not support multi-kprobe links: {support.Reason}.",
                BpfCommand.ProgramAttachKprobeMulti.Name(),
                Name,
                support.Errno == 0 ? Interop.Errno.EOPNOTSUPP : support.Errno);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(pattern + "\0");
        fixed (byte* p = bytes)
        {
            var opts = new bpf_kprobe_multi_opts { sz = (nuint)sizeof(bpf_kprobe_multi_opts), retprobe = isReturnProbe ? (byte)1 : (byte)0 };
            nint link = bpf_program__attach_kprobe_multi_opts(_program, p, &opts);
            return link != 0 ? new BpfLink(link, $"{target} <- {Name}") : throw AttachError(BpfCommand.ProgramAttachKprobeMulti, target);
        }
    }

    private BpfException NoKprobes(string target) => new(
        $"Attaching program '{Name}' to {target} failed: this kernel has no kprobes (it was built without CONFIG_KPROBES; there is no kprobe PMU under /sys/bus/event_source/devices). Use a tracepoint, a raw tracepoint or fentry where the kernel has them.",
        BpfCommand.PerfEventOpen.Name(),
        Name,
        Interop.Errno.EOPNOTSUPP);
}
