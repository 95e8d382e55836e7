using System.Diagnostics;
using BpfChannels.Benchmarks.Bindings;

namespace BpfChannels.Benchmarks.Paired;

/// <summary>One timed block of a paired round: the thread's CPU time (<see cref="ThreadCpuClock"/>) and the wall clock.</summary>
internal readonly record struct PairedBlock(long CpuNanoseconds, long WallTicks)
{
    /// <summary>Times one block of work on the calling thread.</summary>
    internal static PairedBlock Time(Action run)
    {
        long cpuStart = ThreadCpuClock.Nanoseconds();
        long wallStart = Stopwatch.GetTimestamp();
        run();
        long wall = Stopwatch.GetTimestamp() - wallStart;
        return new PairedBlock(ThreadCpuClock.Nanoseconds() - cpuStart, wall);
    }

    /// <summary>This block's CPU time over <paramref name="baseline"/>'s.</summary>
    internal double CpuRatio(PairedBlock baseline) => (double)CpuNanoseconds / baseline.CpuNanoseconds;

    /// <summary>This block's wall-clock time over <paramref name="baseline"/>'s.</summary>
    internal double WallRatio(PairedBlock baseline) => (double)WallTicks / baseline.WallTicks;

    /// <summary>The rotating orders of <paramref name="paths"/> paths: every path runs in every position equally often over that many rounds.</summary>
    internal static int[][] Rotations(int paths)
    {
        var orders = new int[paths][];
        for (int r = 0; r < paths; r++)
        {
            orders[r] = new int[paths];
            for (int i = 0; i < paths; i++)
            {
                orders[r][i] = (r + i) % paths;
            }
        }

        return orders;
    }
}
