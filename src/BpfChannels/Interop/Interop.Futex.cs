using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    /// <summary>futex(2) on a 32-bit word of this process (the private operations): the cheapest way to park one thread and wake it.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static partial class Futex
    {
        private const int FUTEX_WAIT_PRIVATE = 0 | 128;
        private const int FUTEX_WAKE_PRIVATE = 1 | 128;

        private static readonly nint SysFutex = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 202,
            Architecture.Arm64 => 98,
            Architecture.LoongArch64 => 98,
            Architecture.RiscV64 => 98,
            Architecture.X86 => 240,
            Architecture.Arm => 240,
            _ => -1,
        };

        /// <summary>Whether this architecture's futex syscall number is known.</summary>
        internal static bool IsSupported => SysFutex >= 0;

        /// <summary>Sleeps while <c>*word == expected</c>, until <see cref="Wake"/> (or a signal, or a spurious wake-up: the caller looks again).</summary>
        /// <returns>0, or the errno: EAGAIN when the word no longer held <paramref name="expected"/>, EINTR when a signal came.</returns>
        internal static unsafe int Wait(int* word, int expected)
        {
            nint result = Syscall(SysFutex, word, FUTEX_WAIT_PRIVATE, expected, null);
            return result < 0 ? Marshal.GetLastSystemError() : 0;
        }

        /// <summary>Wakes at most one thread sleeping in <see cref="Wait"/> on <paramref name="word"/>.</summary>
        internal static unsafe void Wake(int* word) => _ = Syscall(SysFutex, word, FUTEX_WAKE_PRIVATE, 1, null);

        // Not SetLastError, as bpf(2)'s stub: errno matters only after a -1, and Wait reads it straight after the call. C's
        // long is nint, so the stub is right on 32-bit systems too.
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall")]
        private static unsafe partial nint Syscall(nint number, int* word, nint op, nint value, void* timeout);
    }
}
