using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Paired;

/// <summary>
/// The calling thread's CPU time (user and system, so a syscall's kernel time counts) in nanoseconds, from
/// <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>: unlike the wall clock it does not advance while the thread waits for
/// a CPU, which on a machine shared by other builds is most of a block's spread.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID in <time.h>

    internal static long Nanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec now) != 0)
        {
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        return (now.Seconds * 1_000_000_000L) + now.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    // struct timespec on 64-bit Linux: time_t tv_sec, long tv_nsec.
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
