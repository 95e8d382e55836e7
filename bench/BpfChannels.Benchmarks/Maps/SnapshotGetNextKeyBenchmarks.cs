using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>W3: a full snapshot of a 100,000-entry u32 -> 64-byte hash with get_next_key and a lookup per key.</summary>
[Config(typeof(SyscallBenchmarkConfig))]
public class SnapshotGetNextKeyBenchmarks() : SnapshotBenchmarkBase("bench_walk", MapWorkload.Keys)
{
    [Benchmark(Baseline = true, Description = "C get_next_key + lookup")]
    public unsafe int C() => Expect(MapsNative.Check(
        MapsNative.SnapshotGetNextKey(Map.Map.Handle.FileDescriptor, Buffers.Keys, Buffers.Values, KeySize, ValueSize, Buffers.Capacity),
        "get_next_key snapshot"), "C");

    [Benchmark(Description = "ReadSnapshot(GetNextKey)")]
    public int Managed() => Expect(Map.ReadSnapshot(Snapshot, BpfMapReadStrategy.GetNextKey), "ReadSnapshot");
}
