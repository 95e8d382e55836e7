using System.Runtime.InteropServices;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// Zeroed native memory for a twin array: any size the address space allows (the kernel creates arrays over
/// 2 GiB, a managed array cannot hold them), pages committed only when touched, and freed when the twin and every
/// lease on its mapping are done (the reference count of <see cref="SafeHandle"/>).
/// </summary>
internal sealed unsafe class TwinMemory : SafeHandle
{
    private TwinMemory(nuint length)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        Length = length;
        SetHandle((IntPtr)NativeMemory.AllocZeroed(Math.Max(length, 1)));
    }

    /// <summary>The length in bytes.</summary>
    internal nuint Length { get; }

    /// <summary>The first byte.</summary>
    internal byte* Pointer => (byte*)handle;

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Allocates <paramref name="length"/> zeroed bytes, or fails as the kernel's allocation would, with ENOMEM.</summary>
    internal static TwinMemory Allocate(ulong length, string? mapName)
    {
        if (length > nuint.MaxValue / 2)
        {
            throw BpfErrors.Create(ENOMEM, BpfCommand.MapCreate, mapName);
        }

        try
        {
            return new TwinMemory((nuint)length);
        }
        catch (OutOfMemoryException)
        {
            throw BpfErrors.Create(ENOMEM, BpfCommand.MapCreate, mapName);
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMemory.Free((void*)handle);
        return true;
    }
}
