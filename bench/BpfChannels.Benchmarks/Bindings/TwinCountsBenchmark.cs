using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>The twin of <c>bench_counts.bpf.c</c>'s <c>counts</c> map, filled with every key, as the twin benchmarks share it.</summary>
public abstract class TwinCountsBenchmark
{
    /// <summary>The twin's map set, read through <c>maps.Counts</c> by the bindings' loops.</summary>
    private protected BenchCountsBpf.MapSet TwinMaps { get; private set; } = null!;

    /// <summary>The same map held in a field, as hand-written code holds it.</summary>
    private protected BpfMap<uint, ulong> HeldMap { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        TwinMaps = BenchCountsBpf.CreateInMemoryMaps();
        HeldMap = TwinMaps.Counts;
        BindingsLoops.Fill(HeldMap);
    }

    [GlobalCleanup]
    public void Cleanup() => TwinMaps.Dispose();
}
