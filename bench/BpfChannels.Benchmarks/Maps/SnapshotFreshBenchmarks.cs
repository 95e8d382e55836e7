using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>
/// A batch read of a whole u32 -> 64-byte hash (100,000 and 1,000,000 entries) into a new snapshot, as every
/// <c>foreach</c> over a <see cref="BpfMap{TKey, TValue}"/> and a channel's first polls do, against a re-read
/// into a snapshot whose buffers are warm (the baseline), and the C batch loop both ways: into buffers kept from
/// one read to the next, and into buffers malloc'ed for the read (whose pages the kernel's copy must fault in).
/// Two kinds of new snapshot, shown apart: the steady state (a new snapshot, disposed after its read, as a
/// <c>foreach</c> does: its buffers are the previous one's, from the snapshot pool), and a first read into new
/// memory (the pool emptied before it, so the buffers are new and the kernel's copy faults in every page). Each
/// process prints, for the method it ran, the managed bytes allocated per read over the data's size (entries x 68
/// bytes) and the minor page faults per read.
/// </summary>
[Config(typeof(SyscallBenchmarkConfig))]
public class SnapshotFreshBenchmarks
{
    private BpfMap<uint, Value64> _map = null!;
    private BpfMapSnapshot _warm = null!;
    private SnapshotBuffers _buffers = null!;
    private readonly FreshReadStats _stats = new();

    /// <summary>The entries of the map (it is full).</summary>
    [Params(100_000, 1_000_000)]
    public int Entries { get; set; }

    /// <summary>Whether <see cref="Cleanup"/> prints the allocation and fault line (not when one process runs several of the reads, as the paired rounds do).</summary>
    internal bool PrintsStats { get; init; } = true;

    private static uint ValueSize => (uint)Unsafe.SizeOf<Value64>();

    [GlobalSetup]
    public void Setup()
    {
        _map = BpfMapFactory.Kernel.CreateHash<uint, Value64>(Entries, name: "bench_fresh");
        uint[] keys = new uint[Entries];
        var values = new Value64[Entries];
        for (int i = 0; i < Entries; i++)
        {
            keys[i] = (uint)i;
            values[i].First = (uint)i;
        }

        _map.UpdateBatch(keys, values);
        _warm = _map.CreateSnapshot();
        _ = Expect(_map.ReadSnapshot(_warm, BpfMapReadStrategy.Batch), "warm-up read");
        _buffers = new SnapshotBuffers(2 * (Entries + 64), sizeof(uint), (int)ValueSize);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (PrintsStats)
        {
            _stats.Print($"{Entries:N0} entries", Entries * (sizeof(uint) + ValueSize));
        }

        _map.Dispose();
        _buffers.Dispose();
    }

    /// <summary>A re-read into the same snapshot: the buffers are warm, nothing is allocated.</summary>
    /// <returns>The entries read.</returns>
    [Benchmark(Baseline = true, Description = "ReadSnapshot, re-read")]
    public int ReRead() => Expect(_map.ReadSnapshot(_warm, BpfMapReadStrategy.Batch), "re-read");

    /// <summary>A read into a new snapshot, disposed after: the steady state of repeated fresh reads (buffers from the pool).</summary>
    /// <returns>The entries read.</returns>
    [Benchmark(Description = "ReadSnapshot, new snapshot (pooled, steady state)")]
    public int Fresh()
    {
        long faults = MinorFaults.Read();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        using BpfMapSnapshot snapshot = _map.CreateSnapshot();
        int read = Expect(_map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch), "fresh read");
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        _stats.Add(allocated, MinorFaults.Read() - faults);
        return read;
    }

    /// <summary>A first read into a new snapshot in new memory: the pool is emptied first, so nothing is reused.</summary>
    /// <returns>The entries read.</returns>
    [Benchmark(Description = "ReadSnapshot, new snapshot (first read, new memory)")]
    public int FreshFirst()
    {
        long limit = BpfMapSnapshot.MaxPooledBytes;
        BpfMapSnapshot.MaxPooledBytes = 0;
        long faults = MinorFaults.Read();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int read;
        using (BpfMapSnapshot snapshot = _map.CreateSnapshot())
        {
            read = Expect(_map.ReadSnapshot(snapshot, BpfMapReadStrategy.Batch), "first read");
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        _stats.Add(allocated, MinorFaults.Read() - faults);
        BpfMapSnapshot.MaxPooledBytes = limit;
        return read;
    }

    /// <summary>C: BPF_MAP_LOOKUP_BATCH of the whole map into new malloc'ed buffers, freed after.</summary>
    /// <returns>The entries read.</returns>
    [Benchmark(Description = "C BPF_MAP_LOOKUP_BATCH, new buffers")]
    public int CFresh() => Expect(MapsNative.Check(
        MapsNative.SnapshotBatchFresh(_map.Map.Handle.FileDescriptor, sizeof(uint), ValueSize, 2 * (Entries + 64), (uint)(Entries + 64)),
        "fresh batch snapshot"), "C fresh");

    /// <summary>C: BPF_MAP_LOOKUP_BATCH of the whole map into preallocated buffers.</summary>
    /// <returns>The entries read.</returns>
    [Benchmark(Description = "C BPF_MAP_LOOKUP_BATCH, kept buffers")]
    public unsafe int C() => Expect(MapsNative.Check(
        MapsNative.SnapshotBatch(_map.Map.Handle.FileDescriptor, _buffers.Keys, _buffers.Values, sizeof(uint), ValueSize, _buffers.Capacity, (uint)(Entries + 64)),
        "batch snapshot"), "C");

    private int Expect(int read, string what)
        => read == Entries ? read : throw new InvalidOperationException($"{what} read {read} of {Entries} entries.");
}
