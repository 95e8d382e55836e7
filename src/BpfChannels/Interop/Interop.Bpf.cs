using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    /// <summary>
    /// bpf(2): one typed function per command. Each fills its attr struct, holds a reference on every descriptor
    /// it places there for the duration of the call, and returns 0 or a positive errno; new descriptors and other
    /// results come back through <c>out</c> parameters. <c>Call</c> is the only place the syscall is issued.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static partial class Bpf
    {
        private static readonly long SysBpf = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 321,
            Architecture.Arm64 => 280,
            Architecture.LoongArch64 => 280,
            Architecture.RiscV64 => 280,
            Architecture.X86 => 357,
            Architecture.Arm => 386,
            _ => -1,
        };

        // Not SetLastError: that stub clears errno before every call and copies it into the runtime's
        // per-thread error slot after it, two thread-local round trips per element operation. errno means
        // something only when syscall() returns -1, so Call reads it then and only then, straight after the
        // call, exactly as the SetLastError stub itself does (the runtime preserves errno across the return).
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall")]
        private static unsafe partial long Syscall(long number, long cmd, void* attr, long size);

        /// <summary>Issues bpf(<paramref name="command"/>, &amp;<paramref name="attr"/>, sizeof(<typeparamref name="T"/>)).</summary>
        /// <returns>The non-negative result of the command (a descriptor, or 0), or -1 with <paramref name="errno"/> set.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe int Call<T>(BpfCommand command, ref T attr, out int errno)
            where T : unmanaged
        {
            long result;
            fixed (T* p = &attr)
            {
                result = Syscall(SysBpf, (long)command, p, sizeof(T));
            }

            errno = result < 0 ? Marshal.GetLastSystemError() : 0;
            return (int)result;
        }

        /// <summary>Issues a command that returns nothing but success: 0 or the errno.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Call<T>(BpfCommand command, ref T attr)
            where T : unmanaged
        {
            _ = Call(command, ref attr, out int errno);
            return errno;
        }

        /// <summary>Issues a command that returns a new descriptor: 0 and the owning handle, or the errno and null.</summary>
        private static int CallForHandle<T>(BpfCommand command, ref T attr, out BpfHandle? handle)
            where T : unmanaged
        {
            int fd = Call(command, ref attr, out int errno);
            handle = errno == 0 ? new BpfHandle(fd) : null;
            return errno;
        }

        /// <summary>Copies <paramref name="name"/> into a BPF_OBJ_NAME_LEN field, truncated and NUL-terminated as the kernel reads it.</summary>
        private static unsafe void CopyName(ReadOnlySpan<byte> name, byte* field)
        {
            var target = new Span<byte>(field, BPF_OBJ_NAME_LEN);
            name[..Math.Min(name.Length, BPF_OBJ_NAME_LEN - 1)].CopyTo(target);
        }
    }
}
