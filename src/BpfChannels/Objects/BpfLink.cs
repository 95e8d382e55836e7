using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

/// <summary>An attachment of a <see cref="BpfProgram"/> to a hook; disposing it detaches the program exactly once.</summary>
/// <remarks>
/// A link is independent of its <see cref="BpfObject"/>: it keeps the program attached after the object is disposed,
/// until the link is disposed (or, once pinned, until the pin is removed). A link that is never disposed has no
/// finalizer to detach it: the attachment then lasts until the process exits, as with libbpf. Thread-safe: concurrent
/// <see cref="Dispose"/> calls detach once.
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

    /// <summary>What the link attaches, for example <c>raw_tp/sys_enter &lt;- count_syscalls</c>.</summary>
    public string Description { get; }

    /// <summary>Whether the link has been disposed (the program detached).</summary>
    public bool IsDisposed => Volatile.Read(ref _link) == 0 && Volatile.Read(ref _handle) is null && Volatile.Read(ref _detach) is null;

    /// <summary>Pins the link at <paramref name="path"/> on bpffs, so the attachment outlives the process.</summary>
    /// <remarks>Requires Linux 5.7 or later for most link types (perf-event tracepoint links 5.15).</remarks>
    /// <param name="path">The pin path.</param>
    /// <exception cref="ObjectDisposedException">The link is disposed.</exception>
    /// <exception cref="BpfException">EEXIST, ENOENT, EINVAL (this attachment is not a BPF link, e.g. a perf-event tracepoint on a kernel before 5.15) or another error.</exception>
    /// <exception cref="InvalidOperationException">The attachment is a socket filter, which has no link to pin.</exception>
    public void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_link == 0 && _handle is null)
        {
            throw new InvalidOperationException($"{Description} is a socket option, not a BPF link; it cannot be pinned.");
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
