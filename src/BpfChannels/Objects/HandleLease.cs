namespace BpfChannels;

/// <summary>
/// Holds a reference on a <see cref="BpfHandle"/> while its raw descriptor sits in a syscall struct, so a concurrent
/// dispose cannot close (and the process reuse) the number mid-call: <c>using var lease = new HandleLease(handle);</c>.
/// </summary>
internal ref struct HandleLease
{
    private readonly BpfHandle _handle;
    private bool _added;

    internal HandleLease(BpfHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added);
    }

    internal readonly int FileDescriptor => _handle.FileDescriptor;

    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}
