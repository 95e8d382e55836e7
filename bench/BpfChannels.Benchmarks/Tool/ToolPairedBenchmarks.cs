using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// A paired design beside <see cref="ToolBenchmarks"/>: BenchmarkDotNet runs one benchmark's iterations after another's,
/// so on a shared machine drift moves their medians apart by more than the 1.2x to be shown. Here one invocation runs
/// <see cref="Rounds"/> rounds (<see cref="PairedRounds"/>), each bpftool, bpfchan (Native AOT) and the empty Native AOT
/// program once on the same pinned 64-entry map, back to back in all six orders in turn (each first, second and third
/// equally often, and each right after each of the others equally often), and each round gives the wall-time ratios
/// bpfchan/bpftool and empty program/bpftool from processes a few milliseconds apart. The columns are the medians of
/// those per-round ratios with a 95% confidence interval (<see cref="PairedRatioColumn"/>), and each command prints them
/// with the quartiles and the load average when it ends (a line starting "// Paired"). BenchmarkDotNet's own time is
/// the whole round set and compares nothing.
/// </summary>
[Config(typeof(Config))]
public class ToolPairedBenchmarks
{
    /// <summary>Rounds per invocation: three processes of one to a few milliseconds each.</summary>
    internal const int Rounds = 20;

    private BpfMap<uint, ulong> _map = null!;
    private string _pin = null!;
    private string _key = null!;
    private PairedRounds _rounds = null!;

    [Params("map show", "map dump")]
    public string Command { get; set; } = "map show";

    [GlobalSetup]
    public void Setup()
    {
        (_map, _pin) = ToolProcess.CreatePinnedHash("bench_pair64", 64);
        string[] args = [.. Command.Split(' '), "pinned", _pin];
        _ = ToolProcess.Run(ToolProcess.AotFloor); // publishes the floor (and, below, bpfchan), or fails early with the reason
        ToolProcess.RequireSameOutput(args);
        _key = PairedRatios.Key(typeof(ToolPairedBenchmarks), (nameof(Command), Command));
        PairedRatios.Reset(_key, "bpfchan/bpftool", "empty Native AOT program/bpftool");
        Action[] paths = [() => ToolProcess.Run(ToolProcess.Bpftool, args), () => ToolProcess.Run(ToolProcess.Bpfchan, args), () => ToolProcess.Run(ToolProcess.AotFloor)];
        _rounds = new PairedRounds(_key, paths, b => [b[1].WallRatio(b[0]), b[2].WallRatio(b[0])])
        {
            Orders = PairedOrders.Permutations(paths.Length),
            WallClockOnly = true,
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(PairedRatios.Describe(_key));
        _ = BpfMap.Unpin(_pin);
        _map.Dispose();
    }

    [Benchmark(Description = "rounds of bpftool, bpfchan and the empty Native AOT program")]
    public double PairedRounds() => _rounds.Run(Rounds);

    /// <summary>The paired job with 15 measured iterations (300 rounds) and the two wall-time ratios as columns.</summary>
    private sealed class Config : PairedConfig
    {
        public Config()
            : base(
                15,
                ("Bpfchan/bpftool wall", "bpfchan / bpftool (wall clock of each process, start to exit)"),
                ("Floor/bpftool wall", "the empty Native AOT program / bpftool (wall clock of each process, start to exit)"))
        {
        }
    }
}
