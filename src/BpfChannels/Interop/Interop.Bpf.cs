using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    /// <summary>
    /// The single entry point to bpf(2). Every command of the library goes through <see cref="Call"/>;
    /// errno is read immediately after the call and returned negated, so callers never touch the
    /// thread's last-error state themselves.
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

        /// <summary>Issues bpf(<paramref name="cmd"/>, <paramref name="attr"/>, <paramref name="size"/>).</summary>
        /// <returns>The non-negative result of the command, or -errno.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe int Call(bpf_cmd cmd, void* attr, uint size)
        {
            long result = Syscall(SysBpf, (long)cmd, attr, size);
            return result < 0 ? -Marshal.GetLastSystemError() : (int)result;
        }

        /// <summary>Issues bpf() with an attr struct of type <typeparamref name="T"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe int Call<T>(bpf_cmd cmd, ref T attr) where T : unmanaged
        {
            fixed (T* p = &attr)
            {
                return Call(cmd, p, (uint)sizeof(T));
            }
        }
    }
}
