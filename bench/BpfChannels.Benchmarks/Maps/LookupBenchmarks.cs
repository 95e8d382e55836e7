using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>W2: 1,000,000 lookups in a u32 -> u64 hash map holding 100,000 keys, keys cycling.</summary>
[Config(typeof(SyscallBenchmarkConfig))]
public class LookupBenchmarks
{
    private BpfMap<uint, ulong> _map = null!;

    [GlobalSetup]
    public void Setup() => _map = MapWorkload.CreateFilledHash("bench_lookup");

    [GlobalCleanup]
    public void Cleanup() => _map.Dispose();

    [Benchmark(Baseline = true, Description = "C bpf(2) lookup")]
    public unsafe ulong C()
    {
        ulong sum;
        int found = MapsNative.Check(MapsNative.Lookup(_map.Map.Handle.FileDescriptor, MapWorkload.Operations, MapWorkload.Keys, &sum), "lookup");
        return found == MapWorkload.Operations ? sum : throw new InvalidOperationException($"C baseline found {found} keys.");
    }

    [Benchmark(Description = "BpfMap<uint,ulong>.TryLookup")]
    public ulong Managed()
    {
        BpfMap<uint, ulong> map = _map;
        ulong sum = 0;
        int found = 0;
        uint key = 0;
        for (int i = 0; i < MapWorkload.Operations; i++)
        {
            if (map.TryLookup(key, out ulong value))
            {
                sum += value;
                found++;
            }

            if (++key == MapWorkload.Keys)
            {
                key = 0;
            }
        }

        return found == MapWorkload.Operations ? sum : throw new InvalidOperationException($"Found {found} keys.");
    }
}
