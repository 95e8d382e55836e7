using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>
/// W3 paired, for the 1.05x target: C's plain get_next_key + lookup walk and <c>ReadSnapshot(GetNextKey)</c> of the same
/// 100,000-entry u32 -> 64-byte hash, timed back to back in this process in alternating order, <see cref="Rounds"/>
/// rounds per invocation. Each round gives managed / C by the thread's CPU time (the target figure: time spent waiting
/// for a CPU on a shared machine does not count) and by the wall clock; the columns are the medians of those per-round
/// ratios with a 95% confidence interval. <see cref="SnapshotGetNextKeyBenchmarks"/> shows the absolute times.
/// </summary>
[Config(typeof(Config))]
public class SnapshotGetNextKeyPairedBenchmarks
{
    /// <summary>Rounds per invocation: each round is one walk of each side (about 0.1 to 0.3 s each).</summary>
    internal const int Rounds = 4;

    private static readonly string Key = PairedRatios.Key(typeof(SnapshotGetNextKeyPairedBenchmarks));

    private BpfMap<uint, Value64> _map = null!;
    private BpfMapSnapshot _snapshot = null!;
    private SnapshotBuffers _buffers = null!;
    private PairedRounds _rounds = null!;

    [GlobalSetup]
    public void Setup()
    {
        _map = BpfMapFactory.Kernel.CreateHash<uint, Value64>(MapWorkload.Keys, name: "bench_walk_pair");
        for (uint key = 0; key < MapWorkload.Keys; key++)
        {
            _map.Update(key, new Value64 { First = key });
        }

        _snapshot = _map.CreateSnapshot();
        _buffers = new SnapshotBuffers(MapWorkload.Keys, sizeof(uint), Unsafe.SizeOf<Value64>());
        _rounds = new PairedRounds(Key, [WalkC, WalkManaged], b => [b[1].CpuRatio(b[0]), b[1].WallRatio(b[0])]);
        PairedRatios.Reset(Key, "managed/C (thread CPU time)", "managed/C (wall clock)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(PairedRatios.Describe(Key));
        _snapshot.Dispose();
        _buffers.Dispose();
        _map.Dispose();
    }

    [Benchmark(Description = "rounds of C walk and ReadSnapshot(GetNextKey)")]
    public double PairedRounds() => _rounds.Run(Rounds);

    private unsafe void WalkC() => Expect(MapsNative.Check(
        MapsNative.SnapshotGetNextKey(_map.Map.Handle.FileDescriptor, _buffers.Keys, _buffers.Values, sizeof(uint), (uint)Unsafe.SizeOf<Value64>(), _buffers.Capacity),
        "get_next_key snapshot"), "C");

    private void WalkManaged() => Expect(_map.ReadSnapshot(_snapshot, BpfMapReadStrategy.GetNextKey), "ReadSnapshot");

    private static void Expect(int read, string what)
    {
        if (read != MapWorkload.Keys)
        {
            throw new InvalidOperationException($"{what} read {read} of {MapWorkload.Keys} entries.");
        }
    }

    private sealed class Config : PairedConfig
    {
        public Config()
            : base(30, ("Managed/C CPU", "managed walk / C walk (thread CPU time)"), ("Managed/C wall", "managed walk / C walk (wall clock)"))
        {
        }
    }
}
