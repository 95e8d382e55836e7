using System.Runtime.InteropServices;
using static BpfChannels.Interop.Interop;

namespace BpfChannels.Events;

/// <summary>A shared memory mapping of a descriptor, unmapped exactly once (on dispose or finalization).</summary>
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
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            void* p = Libc.Mmap(null, length, prot, Libc.MAP_SHARED, (int)fd.DangerousGetHandle(), offset);
            if ((nint)p == Libc.MAP_FAILED)
            {
                throw BpfErrors.Create(Marshal.GetLastPInvokeError(), "mmap", what);
            }

            return new MappedMemory((nint)p, length);
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
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
