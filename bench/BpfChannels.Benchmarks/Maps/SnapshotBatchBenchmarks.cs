using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>
/// W4: a full snapshot of a 100,000-entry u32 -> 64-byte hash with BPF_MAP_LOOKUP_BATCH. The C buffers
/// have room for one more chunk than the map holds, as the managed read keeps: a chunk of max_entries may
/// end short of the last bucket, and the call that reports the end needs room for a whole chunk.
/// </summary>
[Config(typeof(SyscallBenchmarkConfig))]
public class SnapshotBatchBenchmarks() : SnapshotBenchmarkBase("bench_batch", 2 * MapWorkload.Keys)
{
    [Benchmark(Baseline = true, Description = "C BPF_MAP_LOOKUP_BATCH")]
    public unsafe int C() => Expect(MapsNative.Check(
        MapsNative.SnapshotBatch(Map.Map.Handle.FileDescriptor, Buffers.Keys, Buffers.Values, KeySize, ValueSize, Buffers.Capacity, MapWorkload.Keys),
        "batch snapshot"), "C");

    [Benchmark(Description = "ReadSnapshot(Batch)")]
    public int Managed() => Expect(Map.ReadSnapshot(Snapshot, BpfMapReadStrategy.Batch), "ReadSnapshot");
}
