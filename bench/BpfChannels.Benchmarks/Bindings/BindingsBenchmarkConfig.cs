using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// The syscall job of <see cref="SyscallBenchmarkConfig"/>, run in this process: the three ways of reaching the map
/// share one process, JIT state and kernel map, so the bindings-to-hand-written ratio measures only the access path
/// (and a shared build box does not time out rebuilding the benchmark project). Short operations (a tenth of a second)
/// and 30 iterations, so the medians rest on many samples.
/// </summary>
public sealed class BindingsBenchmarkConfig : ManualConfig
{
    public BindingsBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithId("SyscallsInProcess")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(30)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
    }
}
