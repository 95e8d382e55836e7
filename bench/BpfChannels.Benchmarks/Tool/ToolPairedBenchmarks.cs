using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// A paired design beside <see cref="ToolBenchmarks"/>: BenchmarkDotNet runs one benchmark's iterations after another's,
/// so on a shared machine drift moves their medians apart by more than the 1.2x to be shown. Here one invocation runs
/// <see cref="Rounds"/> rounds, each bpftool, bpfchan (Native AOT) and the empty Native AOT program once on the same
/// pinned 64-entry map, back to back in a rotating order (each first, second and third equally often), and each round
/// gives the wall-time ratios bpfchan/bpftool and empty program/bpftool from processes a few milliseconds apart. Each
/// command prints the medians and quartiles of those per-round ratios over the measured iterations, with the load
/// average, when it ends (a line starting "// Paired"). BenchmarkDotNet's own time is the whole round set and compares nothing.
/// </summary>
[Config(typeof(ToolPairedConfig))]
public class ToolPairedBenchmarks
{
    /// <summary>Rounds per invocation: three processes of one to a few milliseconds each.</summary>
    internal const int Rounds = 20;

    // The six orders of three programs, cycled: each runs first, second and third equally often.
    private static readonly int[][] Orders = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]];

    private BpfMap<uint, ulong> _map = null!;
    private string _pin = null!;
    private string[] _args = null!;
    private int _invocations;

    [Params("map show", "map dump")]
    public string Command { get; set; } = "map show";

    [GlobalSetup]
    public void Setup()
    {
        (_map, _pin) = ToolProcess.CreatePinnedHash("bench_pair64", 64);
        _args = [.. Command.Split(' '), "pinned", _pin];
        _ = ToolProcess.Run(ToolProcess.AotFloor); // publishes the floor (and, below, bpfchan), or fails early with the reason
        ToolProcess.RequireSameOutput(_args);
        ToolPairedRatios.Reset(Command);
        _invocations = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(ToolPairedRatios.Describe(Command));
        _ = BpfMap.Unpin(_pin);
        _map.Dispose();
    }

    [Benchmark(Description = "rounds of bpftool, bpfchan and the empty Native AOT program")]
    public double PairedRounds()
    {
        bool measured = ++_invocations > ToolPairedConfig.UnmeasuredInvocations;
        Span<long> wall = stackalloc long[3];
        double last = 0;
        for (int round = 0; round < Rounds; round++)
        {
            foreach (int program in Orders[round % Orders.Length])
            {
                long start = Stopwatch.GetTimestamp();
                _ = program switch
                {
                    0 => ToolProcess.Run(ToolProcess.Bpftool, _args),
                    1 => ToolProcess.Run(ToolProcess.Bpfchan, _args),
                    _ => ToolProcess.Run(ToolProcess.AotFloor),
                };
                wall[program] = Stopwatch.GetTimestamp() - start;
            }

            last = (double)wall[1] / wall[0];
            if (measured)
            {
                ToolPairedRatios.Add(Command, last, (double)wall[2] / wall[0]);
            }
        }

        return last;
    }

    /// <summary>In this process (its ratios are kept here until the command ends), one invocation per iteration.</summary>
    private sealed class ToolPairedConfig : ManualConfig
    {
        /// <summary>Warmup iterations.</summary>
        internal const int WarmupIterations = 2;

        /// <summary>Invocations whose rounds are not counted: BenchmarkDotNet's first (jitting) invocation and the warmups.</summary>
        internal const int UnmeasuredInvocations = 1 + WarmupIterations;

        public ToolPairedConfig()
        {
            AddJob(Job.Default.WithId("PairedProcesses").WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(WarmupIterations).WithIterationCount(15).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(StatisticColumn.Median);
        }
    }
}
