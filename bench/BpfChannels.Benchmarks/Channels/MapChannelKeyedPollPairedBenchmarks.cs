using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// The keyed polls paired, for the 1.15x target: in this process, each round changes 1% or 10% of the map once (rewritten
/// from user space or bumped in place by a program, as <see cref="MapChannelKeyedPollBenchmarks.Change"/> does), then C's
/// batch + memcmp + keyed diff, <c>MapChannel.Poll</c> with a reader subscriber and <c>MapChannel.Poll</c> with an inline
/// handler each poll that same change, back to back in an order that rotates from round to round. Each of the three keeps
/// its own previous read, taken after the previous round's change, so all three diff the same changes (each checks that
/// it found exactly them). Each round gives managed / C by the thread's CPU time (the target figure: time spent waiting
/// for a CPU on a shared machine does not count) and by the wall clock; the columns are the medians of those per-round
/// ratios with a 95% confidence interval. <see cref="MapChannelKeyedPollBenchmarks"/> (whose polls these rounds call)
/// shows the absolute times.
/// </summary>
[Config(typeof(Config))]
public class MapChannelKeyedPollPairedBenchmarks
{
    private MapChannelKeyedPollBenchmarks _polls = null!;
    private PairedRounds _rounds = null!;
    private string _key = null!;

    /// <summary>The entries of the map.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    /// <summary>The percentage of entries changed before each round's polls.</summary>
    [Params(1, 10)]
    public int ChangedPercent { get; set; }

    /// <summary>Who changes them.</summary>
    [Params(MapChannelKeyedPollBenchmarks.ChangeSource.UserSpace, MapChannelKeyedPollBenchmarks.ChangeSource.Program)]
    public MapChannelKeyedPollBenchmarks.ChangeSource Writer { get; set; }

    // About 0.2 to 1 s of polls per invocation: 24 rounds at 10,000 entries, 8 at 100,000, 2 at 1,000,000.
    private int Rounds => Entries switch { <= 10_000 => 24, <= 100_000 => 8, _ => 2 };

    [GlobalSetup]
    public void Setup()
    {
        _polls = new MapChannelKeyedPollBenchmarks { Entries = Entries, ChangedPercent = ChangedPercent, Writer = Writer };
        _polls.Setup();
        _key = PairedRatios.Key(typeof(MapChannelKeyedPollPairedBenchmarks), (nameof(Entries), Entries), (nameof(ChangedPercent), ChangedPercent), (nameof(Writer), Writer));
        PairedRatios.Reset(_key, "Poll (reader) / C (thread CPU time)", "Poll (inline handler) / C (thread CPU time)", "Poll (reader) / C (wall clock)", "Poll (inline handler) / C (wall clock)");
        Action[] paths = [() => _polls.C(), () => _polls.Poll(), () => _polls.PollInline()];
        _rounds = new PairedRounds(_key, paths, b => [b[1].CpuRatio(b[0]), b[2].CpuRatio(b[0]), b[1].WallRatio(b[0]), b[2].WallRatio(b[0])])
        {
            BeforeRound = _polls.Change,
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(PairedRatios.Describe(_key));
        _polls.Cleanup();
    }

    [Benchmark(Description = "rounds of one change, then C, Poll and inline Poll")]
    public double PairedRounds() => _rounds.Run(Rounds);

    private sealed class Config : PairedConfig
    {
        public Config()
            : base(
                12,
                ("Poll/C CPU", "Poll with a reader / C (thread CPU time)"),
                ("Inline/C CPU", "Poll with an inline handler / C (thread CPU time)"),
                ("Poll/C wall", "Poll with a reader / C (wall clock)"),
                ("Inline/C wall", "Poll with an inline handler / C (wall clock)"))
        {
        }
    }
}
