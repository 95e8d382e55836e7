using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Maps;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// A paired design beside <see cref="BindingsMapBenchmarks"/>, for the 1.02x target: BenchmarkDotNet runs benchmarks one
/// after another, so on a busy machine the drift between them is larger than the 2% to be shown. Here one invocation runs
/// <see cref="Rounds"/> rounds (<see cref="PairedRounds"/>), each a block of <see cref="BlockOperations"/> operations of
/// W1 or W2 through the C baseline, the hand-written typed API and the bindings, back to back in all six orders in turn
/// (each path first, second and third equally often, and each right after each of the others equally often). Each round
/// gives the ratios bindings / hand-written and hand-written / C from blocks a few milliseconds apart, timed by the
/// thread's CPU time (<see cref="ThreadCpuClock"/>: time spent waiting for a CPU on a shared machine does not count)
/// and, for bindings / hand-written, by the wall clock too. The summary's columns are the medians of those per-round
/// ratios over the measured iterations (see <see cref="PairedRatioColumn"/>), and each workload prints them with the
/// load average when it ends. BenchmarkDotNet's own time is the whole round set and compares nothing.
/// </summary>
[Config(typeof(Config))]
public class BindingsPairedBenchmarks
{
    /// <summary>Element operations per block: about 2 ms of syscalls, short enough that drift between a round's blocks is small.</summary>
    internal const int BlockOperations = 2_000;

    /// <summary>Rounds per invocation: four cycles of the six orders.</summary>
    internal const int Rounds = 24;

    private BenchCountsBpf _bpf = null!;
    private BpfMap<uint, ulong> _handWritten = null!;
    private string _key = null!;
    private PairedRounds _rounds = null!;

    [Params("W1 update", "W2 lookup")]
    public string Workload { get; set; } = "W2 lookup";

    [GlobalSetup]
    public void Setup()
    {
        _bpf = BenchCountsBpf.OpenAndLoad();
        _handWritten = _bpf.Object.GetMap<uint, ulong>(BenchCountsBpf.MapName.Counts);
        BindingsLoops.Fill(_handWritten);

        _key = PairedRatios.Key(typeof(BindingsPairedBenchmarks), (nameof(Workload), Workload));
        PairedRatios.Reset(_key, "bindings/hand-written (thread CPU time)", "bindings/hand-written (wall clock)", "hand-written/C (thread CPU time)");
        int fd = _handWritten.Map.Handle.FileDescriptor;
        Action[] paths = Workload == "W1 update"
            ? [() => UpdateC(fd), () => BindingsLoops.HandWrittenUpdate(_handWritten, BlockOperations), () => BindingsLoops.BindingsUpdate(_bpf, BlockOperations)]
            : [() => LookupC(fd), () => BindingsLoops.HandWrittenLookup(_handWritten, BlockOperations), () => BindingsLoops.BindingsLookup(_bpf, BlockOperations)];
        _rounds = new PairedRounds(_key, paths, b => [b[2].CpuRatio(b[1]), b[2].WallRatio(b[1]), b[1].CpuRatio(b[0])])
        {
            Orders = PairedOrders.Permutations(paths.Length),
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(PairedRatios.Describe(_key));
        _bpf.Dispose();
    }

    [Benchmark(Description = "rounds of C, hand-written and bindings blocks")]
    public double PairedRounds() => _rounds.Run(Rounds);

    private static void UpdateC(int fd) => _ = MapsNative.Check(MapsNative.Update(fd, BlockOperations, MapWorkload.Keys), "update");

    private static unsafe void LookupC(int fd)
    {
        ulong sum;
        int found = MapsNative.Check(MapsNative.Lookup(fd, BlockOperations, MapWorkload.Keys, &sum), "lookup");
        _ = found == BlockOperations ? sum : throw new InvalidOperationException($"C baseline found {found} keys.");
    }

    /// <summary>The paired job with 40 measured iterations (960 rounds) and the three per-round ratios as columns.</summary>
    private sealed class Config : PairedConfig
    {
        public Config()
            : base(
                40,
                ("Bindings/Hand CPU", "bindings/hand-written (thread CPU time)"),
                ("Bindings/Hand wall", "bindings/hand-written (wall clock)"),
                ("Hand/C CPU", "hand-written/C (thread CPU time)"))
        {
        }
    }
}
