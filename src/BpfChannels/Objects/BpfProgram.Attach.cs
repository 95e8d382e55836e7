using System.Runtime.InteropServices;
using System.Text;
using static BpfChannels.Interop.Errno;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfProgram
{
    /// <summary>
    /// Attaches the program where its section says (<c>raw_tp/…</c>, <c>tp_btf/…</c>, <c>tracepoint/cat/name</c>,
    /// <c>fentry/…</c>, <c>fexit/…</c>…) through libbpf's bpf_program__attach.
    /// </summary>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="InvalidOperationException">The program is not loaded, or came from a legacy object (use a specific Attach method).</exception>
    /// <exception cref="BpfException">The section does not name an attach point, or the kernel refused.</exception>
    public BpfLink Attach()
    {
        RequireLibbpf("Attach");
        nint link = bpf_program__attach(_program);
        return link != 0 ? new BpfLink(link, $"{SectionName} <- {Name}") : throw AttachError(BpfCommand.ProgramAttach, SectionName);
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
        return RawTracepointOpen(tracepoint, tracepoint);
    }

    /// <summary>
    /// Attaches a BTF tracing program, whose target was fixed at load from its section: SEC("tp_btf/…"),
    /// SEC("fentry/…") and SEC("fexit/…"), SEC("fmod_ret/…"), SEC("lsm/…").
    /// </summary>
    /// <remarks>Requires Linux 5.5 or later (SEC("lsm/…") 5.7).</remarks>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public BpfLink AttachTracing()
    {
        RequireLibbpf("AttachTracing");
        nint link = bpf_program__attach_trace(_program);
        return link != 0 ? new BpfLink(link, $"{SectionName} <- {Name}") : throw AttachError(BpfCommand.ProgramAttachTrace, SectionName);
    }

    /// <summary>Attaches a tracepoint program (SEC("tracepoint/…")) to the perf tracepoint <paramref name="category"/>:<paramref name="name"/>.</summary>
    /// <remarks>Requires Linux 4.7 or later.</remarks>
    /// <param name="category">The tracepoint's category (a directory under /sys/kernel/tracing/events), for example <c>syscalls</c>.</param>
    /// <param name="name">The tracepoint's name, for example <c>sys_enter_openat</c>.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="InvalidOperationException">The program is not loaded, or came from a legacy object.</exception>
    /// <exception cref="BpfException">ENOENT (no such tracepoint, or tracefs is not mounted) or another error.</exception>
    public BpfLink AttachTracepoint(string category, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentException.ThrowIfNullOrEmpty(name);
        RequireLibbpf("AttachTracepoint");
        byte[] c = Encoding.UTF8.GetBytes(category + "\0");
        byte[] n = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* pc = c)
        fixed (byte* pn = n)
        {
            nint link = bpf_program__attach_tracepoint(_program, pc, pn);
            return link != 0 ? new BpfLink(link, $"tracepoint/{category}/{name} <- {Name}") : throw AttachError(BpfCommand.ProgramAttachTracepoint, $"{category}:{name}");
        }
    }

    private BpfLink RawTracepointOpen(string name, string description)
    {
        int errno = Interop.Bpf.RawTracepointOpen(Handle, name, out BpfHandle? link);
        return errno == 0 ? new BpfLink(link!, $"{description} <- {Name}") : throw AttachError(errno, BpfCommand.RawTracepointOpen, description);
    }

    private void RequireLibbpf(string method)
    {
        _ = Handle;
        if (_program == 0)
        {
            throw new InvalidOperationException($"{method} goes through libbpf, which did not load program '{Name}' (a legacy SEC(\"maps\") object); use AttachRawTracepoint, which needs only the program's descriptor.");
        }
    }

    private BpfException AttachError(BpfCommand call, string target) => AttachError(Marshal.GetLastPInvokeError() is var e and > 0 ? e : EINVAL, call, target);

    private BpfException AttachError(int errno, BpfCommand call, string target)
    {
        string why = errno switch
        {
            ENOENT => "there is no such attach point (check the name under /sys/kernel/tracing/events or /sys/kernel/btf/vmlinux, and that tracefs is mounted)",
            EINVAL => "the program's type or section does not fit this attach point",
            EOPNOTSUPP or ENOTSUPP => "this kernel does not support this kind of attachment",
            _ => BpfErrors.Explain(errno, call, default),
        };
        return new BpfException($"Attaching program '{Name}' to '{target}' ({call.Name()}) failed with {BpfErrors.Name(errno)} ({errno}): {why}.", call.Name(), Name, errno);
    }
}
