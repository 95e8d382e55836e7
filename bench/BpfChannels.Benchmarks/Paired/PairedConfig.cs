using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BpfChannels.Benchmarks.Paired;

/// <summary>
/// The job of a paired benchmark: in this process (its ratios are kept here for the columns), one invocation per
/// iteration (each invocation runs its own rounds), and one column per per-round ratio.
/// </summary>
public abstract class PairedConfig : ManualConfig
{
    /// <summary>Warmup iterations.</summary>
    internal const int WarmupIterations = 2;

    /// <summary>Invocations whose rounds are not counted: BenchmarkDotNet's jitting invocation and the warmups.</summary>
    internal const int UnmeasuredInvocations = 1 + WarmupIterations;

    /// <param name="iterations">Measured iterations (each one invocation).</param>
    /// <param name="columns">The header and legend of each per-round ratio, in the order the benchmark adds them.</param>
    private protected PairedConfig(int iterations, params (string Header, string Legend)[] columns)
    {
        AddJob(Job.Default
            .WithId("PairedInProcess")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(WarmupIterations)
            .WithIterationCount(iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        for (int i = 0; i < columns.Length; i++)
        {
            AddColumn(new PairedRatioColumn(i, columns[i].Header, columns[i].Legend));
        }

        AddColumn(StatisticColumn.Median);
    }
}
