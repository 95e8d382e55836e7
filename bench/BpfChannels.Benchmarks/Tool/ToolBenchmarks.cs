using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// bpfchan (Native AOT) beside bpftool, process against process, in the same run; bpftool is the baseline of each
/// workload: map show of the system's maps, map dump of a 64-entry hash, map dump -j of a 100,000-entry hash.
/// </summary>
[Config(typeof(ToolBenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ToolBenchmarks
{
    private BpfMap<uint, ulong> _small = null!;
    private BpfMap<uint, ulong> _large = null!;
    private string _smallPin = null!;
    private string _largePin = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_small, _smallPin) = ToolProcess.CreatePinnedHash("bench_tool64", 64);
        (_large, _largePin) = ToolProcess.CreatePinnedHash("bench_tool100k", 100_000);
        _ = ToolProcess.Run(ToolProcess.Bpfchan, "--version"); // fails early, with the reason, if the AOT build is missing
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ = BpfMap.Unpin(_smallPin);
        _ = BpfMap.Unpin(_largePin);
        _small.Dispose();
        _large.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bpftool map show")]
    [BenchmarkCategory("map show")]
    public long BpftoolShow() => ToolProcess.Run(ToolProcess.Bpftool, "map", "show");

    [Benchmark(Description = "bpfchan map show")]
    [BenchmarkCategory("map show")]
    public long BpfchanShow() => ToolProcess.Run(ToolProcess.Bpfchan, "map", "show");

    [Benchmark(Baseline = true, Description = "bpftool map dump, 64 entries")]
    [BenchmarkCategory("map dump 64")]
    public long BpftoolDump64() => ToolProcess.Run(ToolProcess.Bpftool, "map", "dump", "pinned", _smallPin);

    [Benchmark(Description = "bpfchan map dump, 64 entries")]
    [BenchmarkCategory("map dump 64")]
    public long BpfchanDump64() => ToolProcess.Run(ToolProcess.Bpfchan, "map", "dump", "pinned", _smallPin);

    [Benchmark(Baseline = true, Description = "bpftool -j map dump, 100,000 entries")]
    [BenchmarkCategory("map dump -j 100k")]
    public long BpftoolDumpJson() => ToolProcess.Run(ToolProcess.Bpftool, "-j", "map", "dump", "pinned", _largePin);

    [Benchmark(Description = "bpfchan -j map dump, 100,000 entries")]
    [BenchmarkCategory("map dump -j 100k")]
    public long BpfchanDumpJson() => ToolProcess.Run(ToolProcess.Bpfchan, "-j", "map", "dump", "pinned", _largePin);

    /// <summary>Process runs of about a millisecond: many iterations, no unrolling (each invocation is a whole process).</summary>
    private sealed class ToolBenchmarkConfig : ManualConfig
    {
        public ToolBenchmarkConfig()
        {
            AddJob(Job.Default.WithId("Processes").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(20).WithUnrollFactor(1).WithInvocationCount(16));
            AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value);
        }
    }
}
