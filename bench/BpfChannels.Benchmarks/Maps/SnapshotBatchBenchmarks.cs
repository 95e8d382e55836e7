using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>W4: a full snapshot of a 100,000-entry u32 -> 64-byte hash with BPF_MAP_LOOKUP_BATCH.</summary>
[Config(typeof(SyscallBenchmarkConfig))]
public class SnapshotBatchBenchmarks
{
    private BpfMap<uint, Value64> _map = null!;
    private BpfMapSnapshot _snapshot = null!;
    private SnapshotBuffers _buffers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _map = SnapshotMap.Create("bench_batch");
        _snapshot = _map.CreateSnapshot();

        // Room for one more chunk than the map holds, as the managed read keeps: a chunk of max_entries
        // may end short of the last bucket, and the call that reports the end needs room for a chunk.
        _buffers = new SnapshotBuffers(2 * MapWorkload.Keys, sizeof(uint), Unsafe.SizeOf<Value64>());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _map.Dispose();
        _buffers.Dispose();
    }

    [Benchmark(Baseline = true, Description = "C BPF_MAP_LOOKUP_BATCH")]
    public unsafe int C() => SnapshotMap.Expect(MapsNative.Check(
        MapsNative.SnapshotBatch(_map.Map.Handle.FileDescriptor, _buffers.Keys, _buffers.Values, sizeof(uint), (uint)Unsafe.SizeOf<Value64>(), _buffers.Capacity, MapWorkload.Keys),
        "batch snapshot"), "C");

    [Benchmark(Description = "ReadSnapshot(Batch)")]
    public int Managed() => SnapshotMap.Expect(_map.ReadSnapshot(_snapshot, BpfMapReadStrategy.Batch), "ReadSnapshot");
}
