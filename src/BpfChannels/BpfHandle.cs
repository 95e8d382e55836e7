using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// A file descriptor for a BPF object (map, program, link, BTF) owned by this process.
/// </summary>
/// <remarks>
/// The descriptor is closed exactly once, when the handle is disposed or finalized. Operations that
/// place the raw descriptor in a syscall struct hold a reference on the handle for the duration of the
/// call, so a concurrent <see cref="SafeHandle.Dispose()"/> never lets the number be reused mid-call.
/// Thread-safe.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfHandle : SafeHandle
{
    /// <summary>Creates an invalid handle (for marshalling).</summary>
    public BpfHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <summary>Wraps an existing descriptor.</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="ownsHandle">Whether disposing the handle closes <paramref name="fd"/>.</param>
    public BpfHandle(int fd, bool ownsHandle = true)
        : base(-1, ownsHandle)
    {
        SetHandle(fd);
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle < 0;

    /// <summary>The raw descriptor number; valid only while the handle is open.</summary>
    public int FileDescriptor => (int)handle;

    /// <summary>Duplicates a descriptor that the caller keeps owning (for example one of libbpf's).</summary>
    /// <param name="fd">The descriptor to duplicate.</param>
    /// <returns>A handle owning a new descriptor for the same object.</returns>
    /// <exception cref="BpfException">dup(2) failed.</exception>
    public static BpfHandle Duplicate(int fd)
    {
        int errno = Interop.Libc.DupCloexec(fd, out int copy);
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.Dup, null);
        }

        return new BpfHandle(copy);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;
}
