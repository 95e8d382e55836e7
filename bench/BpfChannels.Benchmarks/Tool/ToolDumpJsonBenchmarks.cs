using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// map dump -j of a 100,000-entry u32 -> u64 hash, bpfchan (Native AOT, batch lookups) beside bpftool (get_next_key
/// and a lookup per key), process against process in the same run; bpftool is the baseline.
/// </summary>
[Config(typeof(DumpJsonConfig))]
public class ToolDumpJsonBenchmarks
{
    private BpfMap<uint, ulong> _map = null!;
    private string _pin = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_map, _pin) = ToolProcess.CreatePinnedHash("bench_tool100k", 100_000);
        long bpftool = ToolProcess.Run(ToolProcess.Bpftool, "-j", "map", "dump", "pinned", _pin);
        long bpfchan = ToolProcess.Run(ToolProcess.Bpfchan, "-j", "map", "dump", "pinned", _pin);
        if (bpftool != bpfchan)
        {
            // The same document, byte for byte in size: the tools do the same work.
            throw new InvalidOperationException($"bpftool wrote {bpftool} bytes, bpfchan {bpfchan}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ = BpfMap.Unpin(_pin);
        _map.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bpftool -j map dump, 100,000 entries")]
    public long Bpftool() => ToolProcess.Run(ToolProcess.Bpftool, "-j", "map", "dump", "pinned", _pin);

    [Benchmark(Description = "bpfchan -j map dump, 100,000 entries")]
    public long Bpfchan() => ToolProcess.Run(ToolProcess.Bpfchan, "-j", "map", "dump", "pinned", _pin);

    /// <summary>In process (the harness only launches and times processes).</summary>
    /// <remarks>Runs of a quarter to a whole second: one process per invocation, a few warmups, ten iterations.</remarks>
    private sealed class DumpJsonConfig : ManualConfig
    {
        public DumpJsonConfig()
        {
            AddJob(Job.Default.WithId("Processes").WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance).WithInvocationCount(1));
            AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, MedianRatioColumn.Time);
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value);
        }
    }
}
