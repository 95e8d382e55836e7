using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>The C baselines of native/maps_baseline.c: the same work with raw bpf(2).</summary>
internal static unsafe partial class MapsNative
{
    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_maps_update")]
    internal static partial int Update(int fd, int count, uint keyCount);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_maps_lookup")]
    internal static partial int Lookup(int fd, int count, uint keyCount, ulong* sum);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_maps_snapshot_get_next_key")]
    internal static partial int SnapshotGetNextKey(int fd, byte* keys, byte* values, uint keySize, uint valueSize, int capacity);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_maps_snapshot_batch")]
    internal static partial int SnapshotBatch(int fd, byte* keys, byte* values, uint keySize, uint valueSize, int capacity, uint chunk);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_maps_snapshot_batch_fresh")]
    internal static partial int SnapshotBatchFresh(int fd, uint keySize, uint valueSize, int capacity, uint chunk);

    /// <summary>Throws when a baseline returned -errno, so a broken baseline never reports a fast time.</summary>
    internal static int Check(int result, string what)
        => result >= 0 ? result : throw new InvalidOperationException($"C baseline {what} failed with errno {-result}.");
}
