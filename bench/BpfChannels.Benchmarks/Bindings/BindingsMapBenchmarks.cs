using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Maps;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// W1 and W2 on a map of a BPF object, three ways in one run: the C baseline on the map's descriptor, the
/// hand-written typed API (<c>GetMap&lt;uint, ulong&gt;("counts")</c>, fetched once) and the generated bindings
/// (<c>bpf.Maps.Counts</c>, read through the property on every operation). The bindings must cost the same as the
/// hand-written API (within 1.02x). An operation is <see cref="Operations"/> element operations (about a tenth of a
/// second), so the many iterations of <see cref="BindingsBenchmarkConfig"/> give stable medians; the paired design of
/// <see cref="BindingsPairedBenchmarks"/> compares the two paths more finely.
/// </summary>
[Config(typeof(BindingsBenchmarkConfig))]
public class BindingsMapBenchmarks
{
    /// <summary>Element operations per benchmark operation.</summary>
    internal const int Operations = 100_000;

    private BenchCountsBpf _bpf = null!;
    private BpfMap<uint, ulong> _handWritten = null!;

    [Params("W1 update", "W2 lookup")]
    public string Workload { get; set; } = "W2 lookup";

    [GlobalSetup]
    public void Setup()
    {
        _bpf = BenchCountsBpf.OpenAndLoad();
        _handWritten = _bpf.Object.GetMap<uint, ulong>("counts");
        BindingsLoops.Fill(_handWritten);
    }

    [GlobalCleanup]
    public void Cleanup() => _bpf.Dispose();

    [Benchmark(Baseline = true, Description = "C bpf(2)")]
    public unsafe ulong C()
    {
        int fd = _handWritten.Map.Handle.FileDescriptor;
        if (Workload == "W1 update")
        {
            return (ulong)MapsNative.Check(MapsNative.Update(fd, Operations, MapWorkload.Keys), "update");
        }

        ulong sum;
        int found = MapsNative.Check(MapsNative.Lookup(fd, Operations, MapWorkload.Keys, &sum), "lookup");
        return found == Operations ? sum : throw new InvalidOperationException($"C baseline found {found} keys.");
    }

    [Benchmark(Description = "hand-written GetMap<uint,ulong>(\"counts\")")]
    public ulong HandWritten() => Workload == "W1 update"
        ? BindingsLoops.HandWrittenUpdate(_handWritten, Operations)
        : BindingsLoops.HandWrittenLookup(_handWritten, Operations);

    [Benchmark(Description = "bindings bpf.Maps.Counts")]
    public ulong Bindings() => Workload == "W1 update"
        ? BindingsLoops.BindingsUpdate(_bpf, Operations)
        : BindingsLoops.BindingsLookup(_bpf, Operations);
}
