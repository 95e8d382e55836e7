using System.Runtime.InteropServices;
using static BpfChannels.Interop;

namespace BpfChannels;

/// <summary>A shared memory mapping of a descriptor, unmapped exactly once (on dispose or finalization).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed unsafe class MappedMemory : SafeHandle
{
    private MappedMemory(nint address, nuint length)
        : base(0, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    public override bool IsInvalid => handle == 0;

    public nuint Length { get; }

    public byte* Pointer => (byte*)handle;

    /// <summary>mmap(NULL, length, prot, MAP_SHARED, fd, offset), or an exception naming <paramref name="what"/>.</summary>
    public static MappedMemory Map(SafeHandle fd, nuint length, int prot, long offset, string what)
        => TryMap(fd, length, prot, offset, out int errno) ?? throw BpfErrors.Create(errno, BpfCommand.Mmap, what);

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> shared, or returns null with the errno.</summary>
    public static MappedMemory? TryMap(SafeHandle fd, nuint length, int prot, long offset, out int errno)
    {
        using var lease = new HandleLease(fd);
        void* p = Libc.Mmap(null, length, prot, Libc.MAP_SHARED, lease.FileDescriptor, offset);
        errno = (nint)p == Libc.MAP_FAILED ? Marshal.GetLastPInvokeError() : 0;
        return errno == 0 ? new MappedMemory((nint)p, length) : null;
    }

    /// <summary>Keeps the mapping alive until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The mapping is already released.</exception>
    public Lease Acquire()
    {
        bool added = false;
        DangerousAddRef(ref added);
        return new Lease(this);
    }

    protected override bool ReleaseHandle() => Libc.Munmap((void*)handle, Length) == 0;

    internal readonly struct Lease(MappedMemory memory) : IDisposable
    {
        public void Dispose() => memory.DangerousRelease();
    }
}
