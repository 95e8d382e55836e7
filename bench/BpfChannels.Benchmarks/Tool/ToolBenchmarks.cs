using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// bpfchan (Native AOT) beside bpftool, process against process, in the same run; bpftool is the baseline of each
/// workload: map show and map dump of a pinned 64-entry hash, named by its pin so that both tools list exactly the same
/// one map whatever else the machine holds (the setup fails unless both print the same bytes for each command;
/// <see cref="ToolDumpJsonBenchmarks"/> has the 100,000-entry JSON dump). Both are dominated by process start-up, which is what the comparison is about; each
/// workload also times an empty Native AOT program with bpfchan's start-up settings (<see cref="ToolProcess.AotFloor"/>),
/// the least any Native AOT process costs, so the table shows how much of bpfchan's time is its own.
/// </summary>
[Config(typeof(ToolBenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ToolBenchmarks
{
    private BpfMap<uint, ulong> _small = null!;
    private string _smallPin = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_small, _smallPin) = ToolProcess.CreatePinnedHash("bench_tool64", 64);
        _ = ToolProcess.Run(ToolProcess.AotFloor);
        ToolProcess.RequireSameOutput("map", "show", "pinned", _smallPin);
        ToolProcess.RequireSameOutput("map", "dump", "pinned", _smallPin);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ = BpfMap.Unpin(_smallPin);
        _small.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bpftool map show pinned (one 64-entry map)")]
    [BenchmarkCategory("map show 64")]
    public long BpftoolShow() => ToolProcess.Run(ToolProcess.Bpftool, "map", "show", "pinned", _smallPin);

    [Benchmark(Description = "bpfchan map show pinned (one 64-entry map)")]
    [BenchmarkCategory("map show 64")]
    public long BpfchanShow() => ToolProcess.Run(ToolProcess.Bpfchan, "map", "show", "pinned", _smallPin);

    [Benchmark(Description = "empty Native AOT program, beside map show")]
    [BenchmarkCategory("map show 64")]
    public long FloorShow() => ToolProcess.Run(ToolProcess.AotFloor);

    [Benchmark(Baseline = true, Description = "bpftool map dump, 64 entries")]
    [BenchmarkCategory("map dump 64")]
    public long BpftoolDump64() => ToolProcess.Run(ToolProcess.Bpftool, "map", "dump", "pinned", _smallPin);

    [Benchmark(Description = "bpfchan map dump, 64 entries")]
    [BenchmarkCategory("map dump 64")]
    public long BpfchanDump64() => ToolProcess.Run(ToolProcess.Bpfchan, "map", "dump", "pinned", _smallPin);

    [Benchmark(Description = "empty Native AOT program, beside map dump")]
    [BenchmarkCategory("map dump 64")]
    public long FloorDump() => ToolProcess.Run(ToolProcess.AotFloor);

    /// <summary>
    /// In process: the harness only launches and times processes, so a generated, separately built host would add
    /// nothing but a build.
    /// </summary>
    /// <remarks>Process runs of one to a few milliseconds: many iterations, no unrolling (each invocation is a whole process).</remarks>
    private sealed class ToolBenchmarkConfig : ManualConfig
    {
        public ToolBenchmarkConfig()
        {
            AddJob(Job.Default.WithId("Processes").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(30).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance).WithInvocationCount(16));
            AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, MedianRatioColumn.Time);
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value);
        }
    }
}
