using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// Holds a reference on a descriptor while its raw number is in use (in a syscall struct, an ioctl, an epoll_ctl), so a
/// concurrent dispose cannot close it, and the process reuse the number, mid-call:
/// <c>using var lease = new HandleLease(handle);</c>. The one way this library keeps a descriptor alive across a call.
/// </summary>
internal ref struct HandleLease
{
    private readonly SafeHandle? _handle;
    private bool _added;

    /// <param name="handle">The descriptor, or <see langword="null"/> for an optional one that is absent.</param>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    internal HandleLease(SafeHandle? handle)
    {
        _handle = handle;
        _added = false;
        handle?.DangerousAddRef(ref _added);
    }

    /// <summary>The descriptor number; 0 for an absent optional descriptor, as the kernel's optional fd fields read it.</summary>
    internal readonly int FileDescriptor => _handle is null ? 0 : (int)_handle.DangerousGetHandle();

    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle!.DangerousRelease();
        }
    }
}
