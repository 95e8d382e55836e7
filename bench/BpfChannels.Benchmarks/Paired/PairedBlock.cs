using System.Diagnostics;

namespace BpfChannels.Benchmarks.Paired;

/// <summary>
/// One timed block of a paired round: the wall clock, and the thread's CPU time (<see cref="ThreadCpuClock"/>) unless
/// the block was timed by the wall clock alone (<see cref="TimeWall"/>).
/// </summary>
internal readonly record struct PairedBlock(long? CpuNanoseconds, long WallTicks)
{
    /// <summary>Times one block of work on the calling thread by the thread's CPU time and the wall clock.</summary>
    internal static PairedBlock Time(Action run)
    {
        long cpuStart = ThreadCpuClock.Nanoseconds();
        long wallStart = Stopwatch.GetTimestamp();
        run();
        long wall = Stopwatch.GetTimestamp() - wallStart;
        return new PairedBlock(ThreadCpuClock.Nanoseconds() - cpuStart, wall);
    }

    /// <summary>
    /// Times one block by the wall clock alone: for work done outside the calling thread (a child process run to its
    /// exit), where the thread's CPU time would measure only its own waiting.
    /// </summary>
    internal static PairedBlock TimeWall(Action run)
    {
        long wallStart = Stopwatch.GetTimestamp();
        run();
        return new PairedBlock(null, Stopwatch.GetTimestamp() - wallStart);
    }

    /// <summary>This block's CPU time over <paramref name="baseline"/>'s.</summary>
    /// <exception cref="InvalidOperationException">Either block was timed by the wall clock alone.</exception>
    internal double CpuRatio(PairedBlock baseline) => (double)Cpu(this) / Cpu(baseline);

    /// <summary>This block's wall-clock time over <paramref name="baseline"/>'s.</summary>
    internal double WallRatio(PairedBlock baseline) => (double)WallTicks / baseline.WallTicks;

    private static long Cpu(PairedBlock block) => block.CpuNanoseconds
        ?? throw new InvalidOperationException("A block timed by the wall clock alone (PairedRounds.WallClockOnly) has no CPU time to compare.");
}
