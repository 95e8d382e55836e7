using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// What the generated accessor itself costs, without a syscall to hide it: W1 and W2 on the in-memory twin of the same
/// <c>counts</c> map (a few hundred nanoseconds per operation, no syscall), through a reference held in a field (the
/// baseline) and through <c>maps.Counts</c> read on every operation. No C baseline: the twin has no C counterpart, and
/// the point is the ratio of the two managed paths over one and the same map.
/// <see cref="BindingsDisassemblyBenchmarks"/> prints the machine code of both loops.
/// </summary>
[Config(typeof(BindingsBenchmarkConfig))]
public class BindingsAccessorBenchmarks : TwinCountsBenchmark
{
    /// <summary>Element operations per benchmark operation.</summary>
    internal const int Operations = 100_000;

    [Params("W1 update", "W2 lookup")]
    public string Workload { get; set; } = "W2 lookup";

    [Benchmark(Baseline = true, Description = "twin, map held in a field")]
    public ulong Held() => Workload == "W1 update"
        ? BindingsLoops.HandWrittenUpdate(HeldMap, Operations)
        : BindingsLoops.HandWrittenLookup(HeldMap, Operations);

    [Benchmark(Description = "twin, maps.Counts per operation")]
    public ulong Bindings() => Workload == "W1 update"
        ? BindingsLoops.TwinBindingsUpdate(TwinMaps, Operations)
        : BindingsLoops.TwinBindingsLookup(TwinMaps, Operations);
}
