using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>W1: 1,000,000 updates of a u32 -> u64 hash map, 100,000 keys cycling.</summary>
[Config(typeof(SyscallBenchmarkConfig))]
public class UpdateBenchmarks
{
    private BpfMap<uint, ulong> _map = null!;

    [GlobalSetup]
    public void Setup() => _map = MapWorkload.CreateFilledHash("bench_update");

    [GlobalCleanup]
    public void Cleanup() => _map.Dispose();

    [Benchmark(Baseline = true, Description = "C bpf(2) update")]
    public int C() => MapsNative.Check(MapsNative.Update(_map.Map.Handle.FileDescriptor, MapWorkload.Operations, MapWorkload.Keys), "update");

    [Benchmark(Description = "BpfMap<uint,ulong>.Update")]
    public int Managed()
    {
        BpfMap<uint, ulong> map = _map;
        uint key = 0;
        for (int i = 0; i < MapWorkload.Operations; i++)
        {
            map.Update(key, (ulong)i);
            if (++key == MapWorkload.Keys)
            {
                key = 0;
            }
        }

        return MapWorkload.Operations;
    }
}
