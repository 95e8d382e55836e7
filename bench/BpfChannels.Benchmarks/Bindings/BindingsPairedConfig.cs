using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// The job of <see cref="BindingsPairedBenchmarks"/>: in this process (its ratios are kept here for the columns), one
/// invocation per iteration, and the columns of per-round ratios.
/// </summary>
public sealed class BindingsPairedConfig : ManualConfig
{
    /// <summary>Warmup iterations.</summary>
    internal const int WarmupIterations = 2;

    /// <summary>Invocations whose rounds are not counted: BenchmarkDotNet's jitting invocation and the warmups.</summary>
    internal const int UnmeasuredInvocations = 1 + WarmupIterations;

    public BindingsPairedConfig()
    {
        AddJob(Job.Default
            .WithId("PairedInProcess")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(WarmupIterations)
            .WithIterationCount(40)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(
            new PairedRatioColumn(0, "Bindings/Hand CPU"),
            new PairedRatioColumn(1, "Bindings/Hand wall"),
            new PairedRatioColumn(2, "Hand/C CPU"));
        AddColumn(StatisticColumn.Median);
    }
}
