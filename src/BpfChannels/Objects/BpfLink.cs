using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

/// <summary>An attachment of a <see cref="BpfProgram"/> to a hook; disposing it detaches the program exactly once.</summary>
/// <remarks>
/// A link is independent of its <see cref="BpfObject"/>: it keeps the program attached after the object is disposed,
/// until the link is disposed (or, once pinned, until the pin is removed). A link that is never disposed has no
/// finalizer to detach it: the attachment then lasts until the process exits, as with libbpf. The kernel detaches when
/// the last reference to the link's descriptor goes: a child process forked at that moment (a <c>Process.Start</c> on
/// another thread) holds a copy until it execs, so the program may run a little longer than <see cref="Dispose"/>.
/// Thread-safe: concurrent <see cref="Dispose"/> calls detach once.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class BpfLink : IDisposable
{
    private nint _link;
    private BpfHandle? _handle;
    private Action? _detach;

    internal BpfLink(nint link, string description)
    {
        _link = link;
        Description = description;
    }

    internal BpfLink(BpfHandle handle, string description)
    {
        _handle = handle;
        Description = description;
    }

    internal BpfLink(Action detach, string description)
    {
        _detach = detach;
        Description = description;
    }

    /// <summary>A link made of a BPF link descriptor (pinnable; may be null) and whatever else <paramref name="detach"/> releases.</summary>
    internal BpfLink(BpfHandle? handle, Action detach, string description)
    {
        _handle = handle;
        _detach = detach;
        Description = description;
    }

    /// <summary>What the link attaches, for example <c>raw_tp/sys_enter &lt;- count_syscalls</c>.</summary>
    public string Description { get; }

    /// <summary>Whether the link has been disposed (the program detached).</summary>
    public bool IsDisposed => Volatile.Read(ref _link) == 0 && Volatile.Read(ref _handle) is null && Volatile.Read(ref _detach) is null;

    /// <summary>Pins the link at <paramref name="path"/> on bpffs, so the attachment outlives the process.</summary>
    /// <remarks>Requires Linux 5.7 or later for most link types (perf-event tracepoint links 5.15).</remarks>
    /// <param name="path">The pin path.</param>
    /// <exception cref="ObjectDisposedException">The link is disposed.</exception>
    /// <exception cref="BpfException">EEXIST, ENOENT, EINVAL (this attachment is not a BPF link, e.g. a perf-event tracepoint on a kernel before 5.15) or another error.</exception>
    /// <exception cref="InvalidOperationException">The attachment has no single BPF link to pin (a socket filter, a tc filter, a perf event attached by ioctl, or one program on the perf events of several CPUs).</exception>
    public void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_link == 0 && _handle is null)
        {
            throw new InvalidOperationException($"{Description} is not one BPF link (a socket option, a tc filter, or perf events of several CPUs); it cannot be pinned.");
        }

        if (_handle is { } handle)
        {
            BpfProgram.PinFd(handle, path, Description);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            int result = bpf_link__pin(_link, p);
            if (result < 0)
            {
                throw BpfErrors.Create(-result, BpfCommand.ObjPin, $"{Description} at {path}");
            }
        }
    }

    /// <summary>Detaches the program (once; later calls do nothing).</summary>
    public void Dispose()
    {
        nint link = Interlocked.Exchange(ref _link, 0);
        if (link != 0)
        {
            _ = bpf_link__destroy(link);
        }

        Interlocked.Exchange(ref _handle, null)?.Dispose();
        Interlocked.Exchange(ref _detach, null)?.Invoke();
    }

    /// <inheritdoc/>
    public override string ToString() => $"BPF link {Description}{(IsDisposed ? " (detached)" : string.Empty)}";
}
