using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace BpfChannels.Benchmarks;

/// <summary>
/// The job for benchmarks whose operation is a long run of syscalls (hundreds of milliseconds): no need to
/// unroll or to run many invocations per iteration, so a few warmups and enough iterations for a stable
/// median keep the whole run to minutes. Each class gets its own table, so every ratio is to the C
/// baseline of the same workload.
/// </summary>
public sealed class SyscallBenchmarkConfig : ManualConfig
{
    public SyscallBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithId("Syscalls")
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(12)
            .WithUnrollFactor(1));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
    }
}
