using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Maps;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// A paired design beside <see cref="BindingsMapBenchmarks"/>, for the 1.02x target: BenchmarkDotNet runs benchmarks one
/// after another, so on a busy machine the drift between them is larger than the 2% to be shown. Here one invocation runs
/// <see cref="Rounds"/> rounds, each a block of <see cref="BlockOperations"/> operations of W1 or W2 through the C
/// baseline, the hand-written typed API and the bindings, back to back in a rotating order (each path first, second and
/// third equally often). Each round gives the ratios bindings / hand-written and hand-written / C from blocks a few
/// milliseconds apart, timed by the thread's CPU time (<see cref="ThreadCpuClock"/>: time spent waiting for a CPU on a
/// shared machine does not count) and, for bindings / hand-written, by the wall clock too. The summary's columns are the
/// medians of those per-round ratios over the measured iterations (see <see cref="PairedRatioColumn"/>), and each
/// workload prints them with the load average when it ends. BenchmarkDotNet's own time is the whole round set and
/// compares nothing.
/// </summary>
[Config(typeof(BindingsPairedConfig))]
public class BindingsPairedBenchmarks
{
    /// <summary>Element operations per block: about 2 ms of syscalls, short enough that drift between a round's blocks is small.</summary>
    internal const int BlockOperations = 2_000;

    /// <summary>Rounds per invocation.</summary>
    internal const int Rounds = 24;

    // The six orders of three paths, cycled: each path runs first, second and third equally often.
    private static readonly int[][] Orders = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]];

    private BenchCountsBpf _bpf = null!;
    private BpfMap<uint, ulong> _handWritten = null!;
    private int _invocations;

    [Params("W1 update", "W2 lookup")]
    public string Workload { get; set; } = "W2 lookup";

    [GlobalSetup]
    public void Setup()
    {
        _bpf = BenchCountsBpf.OpenAndLoad();
        _handWritten = _bpf.Object.GetMap<uint, ulong>(BenchCountsBpf.MapName.Counts);
        BindingsLoops.Fill(_handWritten);

        PairedRatios.Reset(Key, "bindings/hand-written (thread CPU time)", "bindings/hand-written (wall clock)", "hand-written/C (thread CPU time)");
        _invocations = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(PairedRatios.Describe(Key));
        _bpf.Dispose();
    }

    [Benchmark(Description = "rounds of C, hand-written and bindings blocks")]
    public double PairedRounds()
    {
        bool update = Workload == "W1 update";
        bool measured = ++_invocations > PairedConfig.UnmeasuredInvocations;
        Span<long> cpu = stackalloc long[3];
        Span<long> wall = stackalloc long[3];
        double last = 0;
        for (int round = 0; round < Rounds; round++)
        {
            foreach (int path in Orders[round % Orders.Length])
            {
                long cpuStart = ThreadCpuClock.Nanoseconds();
                long wallStart = Stopwatch.GetTimestamp();
                Run(path, update);
                wall[path] = Stopwatch.GetTimestamp() - wallStart;
                cpu[path] = ThreadCpuClock.Nanoseconds() - cpuStart;
            }

            last = (double)cpu[2] / cpu[1];
            if (measured)
            {
                PairedRatios.Add(Key, last, (double)wall[2] / wall[1], (double)cpu[1] / cpu[0]);
            }
        }

        return last;
    }

    private string Key => PairedRatios.Key(typeof(BindingsPairedBenchmarks), (nameof(Workload), Workload));

    private void Run(int path, bool update)
    {
        switch (path)
        {
            case 0:
                RunC(_handWritten.Map.Handle.FileDescriptor, update);
                break;
            case 1:
                _ = update ? BindingsLoops.HandWrittenUpdate(_handWritten, BlockOperations) : BindingsLoops.HandWrittenLookup(_handWritten, BlockOperations);
                break;
            default:
                _ = update ? BindingsLoops.BindingsUpdate(_bpf, BlockOperations) : BindingsLoops.BindingsLookup(_bpf, BlockOperations);
                break;
        }
    }

    private static unsafe void RunC(int fd, bool update)
    {
        if (update)
        {
            _ = MapsNative.Check(MapsNative.Update(fd, BlockOperations, MapWorkload.Keys), "update");
            return;
        }

        ulong sum;
        int found = MapsNative.Check(MapsNative.Lookup(fd, BlockOperations, MapWorkload.Keys, &sum), "lookup");
        _ = found == BlockOperations ? sum : throw new InvalidOperationException($"C baseline found {found} keys.");
    }
}
