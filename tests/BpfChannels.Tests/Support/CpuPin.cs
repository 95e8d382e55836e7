using System.Runtime.InteropServices;

namespace BpfChannels.Tests.Support;

/// <summary>
/// Pins the calling thread to the CPU it runs on until disposed, then restores its affinity: for tests whose
/// program runs (BPF_PROG_TEST_RUN runs on the caller's CPU) must all land on one per-CPU buffer.
/// </summary>
public sealed partial class CpuPin : IDisposable
{
    private const int MaskWords = 16; // 1,024 CPUs
    private readonly ulong[] _previous = new ulong[MaskWords];

    private CpuPin()
    {
    }

    /// <summary>The CPU the thread is pinned to.</summary>
    public int Cpu { get; private init; }

    /// <summary>Pins the calling thread to its current CPU.</summary>
    public static CpuPin Current()
    {
        var pin = new CpuPin { Cpu = sched_getcpu() };
        Check(sched_getaffinity(0, MaskWords * sizeof(ulong), pin._previous), "sched_getaffinity");
        var mask = new ulong[MaskWords];
        mask[pin.Cpu / 64] = 1UL << (pin.Cpu % 64);
        Check(sched_setaffinity(0, MaskWords * sizeof(ulong), mask), "sched_setaffinity");
        return pin;
    }

    public void Dispose() => Check(sched_setaffinity(0, MaskWords * sizeof(ulong), _previous), "sched_setaffinity");

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{call} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getcpu();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nuint size, ulong[] mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, ulong[] mask);
}
