using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>W3: a full snapshot of a 100,000-entry u32 -> 64-byte hash with get_next_key and a lookup per key.</summary>
[Config(typeof(SyscallBenchmarkConfig))]
public class SnapshotGetNextKeyBenchmarks
{
    private BpfMap<uint, Value64> _map = null!;
    private BpfMapSnapshot _snapshot = null!;
    private SnapshotBuffers _buffers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _map = SnapshotMap.Create("bench_walk");
        _snapshot = _map.CreateSnapshot();
        _buffers = new SnapshotBuffers(MapWorkload.Keys, sizeof(uint), Unsafe.SizeOf<Value64>());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _map.Dispose();
        _buffers.Dispose();
    }

    [Benchmark(Baseline = true, Description = "C get_next_key + lookup")]
    public unsafe int C() => SnapshotMap.Expect(MapsNative.Check(
        MapsNative.SnapshotGetNextKey(_map.Map.Handle.FileDescriptor, _buffers.Keys, _buffers.Values, sizeof(uint), (uint)Unsafe.SizeOf<Value64>(), _buffers.Capacity),
        "get_next_key snapshot"), "C");

    [Benchmark(Description = "ReadSnapshot(GetNextKey)")]
    public int Managed() => SnapshotMap.Expect(_map.ReadSnapshot(_snapshot, BpfMapReadStrategy.GetNextKey), "ReadSnapshot");
}
