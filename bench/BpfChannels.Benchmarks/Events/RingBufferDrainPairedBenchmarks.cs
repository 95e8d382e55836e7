using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Events;

/// <summary>
/// The ring drains paired, for the rate targets: in this process, each round fills the ring buffer with the same
/// 500,000 records before each consumer's drain (libbpf's <c>ring_buffer__consume</c>, the hand-written C loop, the span
/// callback, the struct handler, the typed callback, <c>Observe&lt;T&gt;()</c>) and times the drains back to back, in an
/// order that rotates from round to round. Each round gives every consumer's rate as a multiple of libbpf's (libbpf's
/// time over the consumer's) by the thread's CPU time, the target figure (time spent waiting for a CPU on a shared
/// machine does not count), except for the observable, whose records are delivered on its loop thread: its rate is by
/// the wall clock. The columns are the medians of those per-round rates with a 95% confidence interval;
/// <see cref="RingBufferDrainBenchmarks"/> (whose consumers these rounds call) shows the absolute times.
/// </summary>
[Config(typeof(Config))]
public class RingBufferDrainPairedBenchmarks
{
    private const int Paths = 6; // libbpf, C, span, struct, typed, observable
    private static readonly string Key = PairedRatios.Key(typeof(RingBufferDrainPairedBenchmarks));

    private readonly RingBufferDrainBenchmarks _drains = new();
    private PairedRounds _rounds = null!;

    [GlobalSetup]
    public void Setup()
    {
        _drains.Setup();
        Action[] paths = [() => _drains.Libbpf(), () => _drains.C(), () => _drains.Span(), () => _drains.StructHandler(), () => _drains.Typed(), () => _drains.Observable()];
        _rounds = new PairedRounds(Key, paths, b => [b[0].CpuRatio(b[2]), b[0].CpuRatio(b[3]), b[0].CpuRatio(b[4]), b[0].WallRatio(b[5]), b[0].WallRatio(b[2]), b[0].CpuRatio(b[1])])
        {
            BeforeBlock = _drains.Fill,
        };
        PairedRatios.Reset(
            Key,
            "span callback rate / libbpf (thread CPU time)",
            "struct handler rate / libbpf (thread CPU time)",
            "typed record rate / libbpf (thread CPU time)",
            "IObservable rate / libbpf (wall clock)",
            "span callback rate / libbpf (wall clock)",
            "hand-written C rate / libbpf (thread CPU time)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(PairedRatios.Describe(Key));
        _drains.Cleanup();
    }

    /// <summary>One round of each rotation: every consumer drains in every position once.</summary>
    [Benchmark(Description = "rounds of libbpf, C, span, struct, typed and IObservable drains")]
    public double PairedRounds() => _rounds.Run(Paths);

    private sealed class Config : PairedConfig
    {
        public Config()
            : base(
                20,
                ("Span CPU", "the span callback's rate over libbpf's (thread CPU time)"),
                ("Struct CPU", "the struct handler's rate over libbpf's (thread CPU time)"),
                ("Typed CPU", "the typed callback's rate over libbpf's (thread CPU time)"),
                ("IObservable wall", "the observable's rate over libbpf's (wall clock)"),
                ("Span wall", "the span callback's rate over libbpf's (wall clock)"),
                ("C loop CPU", "the hand-written C loop's rate over libbpf's (thread CPU time)"))
        {
        }
    }
}
