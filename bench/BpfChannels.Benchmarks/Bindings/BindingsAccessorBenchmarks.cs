using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Maps;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// What the generated accessor itself costs, without a syscall to hide it: W1 and W2 on the in-memory twin of the same
/// <c>counts</c> map (tens of nanoseconds per operation instead of a microsecond and a half), through a reference held
/// in a field (the baseline) and through <c>maps.Counts</c> read on every operation. No C baseline: the twin has no C
/// counterpart, and the point is the ratio of the two managed paths over one and the same map.
/// </summary>
[Config(typeof(BindingsBenchmarkConfig))]
public class BindingsAccessorBenchmarks
{
    private BenchCountsBpf.MapSet _maps = null!;
    private BpfMap<uint, ulong> _held = null!;

    [Params("W1 update", "W2 lookup")]
    public string Workload { get; set; } = "W2 lookup";

    [GlobalSetup]
    public void Setup()
    {
        _maps = BenchCountsBpf.CreateInMemoryMaps();
        _held = _maps.Counts;
        for (uint key = 0; key < MapWorkload.Keys; key++)
        {
            _held.Update(key, key);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _maps.Dispose();

    [Benchmark(Baseline = true, Description = "twin, map held in a field")]
    public ulong Held() => Workload == "W1 update" ? BindingsMapBenchmarks.Update(_held) : BindingsMapBenchmarks.Lookup(_held);

    [Benchmark(Description = "twin, maps.Counts per operation")]
    public ulong Bindings()
    {
        BenchCountsBpf.MapSet maps = _maps;
        ulong sum = 0;
        uint key = 0;
        if (Workload == "W1 update")
        {
            for (int i = 0; i < MapWorkload.Operations; i++)
            {
                maps.Counts.Update(key, (ulong)i);
                key = ++key == MapWorkload.Keys ? 0 : key;
            }

            return (ulong)MapWorkload.Operations;
        }

        int found = 0;
        for (int i = 0; i < MapWorkload.Operations; i++)
        {
            if (maps.Counts.TryLookup(key, out ulong value))
            {
                sum += value;
                found++;
            }

            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return found == MapWorkload.Operations ? sum : throw new InvalidOperationException($"Found {found} keys.");
    }
}
