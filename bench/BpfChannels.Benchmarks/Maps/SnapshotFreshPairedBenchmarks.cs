using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>
/// New snapshots paired, for the 1.15x target: a re-read into a warm snapshot, a read into a new snapshot from the pool
/// (the steady state of every <c>foreach</c>) and a first read into new memory, of the same full u32 -> 64-byte hash,
/// timed back to back in this process in an order that rotates from round to round. Each round gives each new read over
/// the re-read by the thread's CPU time (the target figure) and by the wall clock; the columns are the medians of those
/// per-round ratios with a 95% confidence interval. <see cref="SnapshotFreshBenchmarks"/> (whose reads these rounds
/// call) shows the absolute times, the bytes allocated and the page faults.
/// </summary>
[Config(typeof(Config))]
public class SnapshotFreshPairedBenchmarks
{
    private SnapshotFreshBenchmarks _reads = null!;
    private PairedRounds _rounds = null!;
    private string _key = null!;

    /// <summary>The entries of the map (it is full).</summary>
    [Params(100_000, 1_000_000)]
    public int Entries { get; set; }

    // About 0.3 to 1 s of reads per invocation.
    private int Rounds => Entries <= 100_000 ? 6 : 2;

    [GlobalSetup]
    public void Setup()
    {
        _reads = new SnapshotFreshBenchmarks { Entries = Entries, PrintsStats = false };
        _reads.Setup();
        _key = PairedRatios.Key(typeof(SnapshotFreshPairedBenchmarks), (nameof(Entries), Entries));
        PairedRatios.Reset(_key, "new, pooled / re-read (thread CPU time)", "new, first read / re-read (thread CPU time)", "new, pooled / re-read (wall clock)", "new, first read / re-read (wall clock)");
        Action[] paths = [() => _reads.ReRead(), () => _reads.Fresh(), () => _reads.FreshFirst()];
        _rounds = new PairedRounds(_key, paths, b => [b[1].CpuRatio(b[0]), b[2].CpuRatio(b[0]), b[1].WallRatio(b[0]), b[2].WallRatio(b[0])]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(PairedRatios.Describe(_key));
        _reads.Cleanup();
    }

    [Benchmark(Description = "rounds of re-read, new pooled and first read")]
    public double PairedRounds() => _rounds.Run(Rounds);

    private sealed class Config : PairedConfig
    {
        public Config()
            : base(
                12,
                ("Pooled/re-read CPU", "a read into a new pooled snapshot / a re-read (thread CPU time)"),
                ("First/re-read CPU", "a first read into new memory / a re-read (thread CPU time)"),
                ("Pooled/re-read wall", "a read into a new pooled snapshot / a re-read (wall clock)"),
                ("First/re-read wall", "a first read into new memory / a re-read (wall clock)"))
        {
        }
    }
}
