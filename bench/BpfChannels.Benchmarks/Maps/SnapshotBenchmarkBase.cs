using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>
/// The setup shared by the snapshot workloads: a u32 -> 64-byte hash holding 100,000 entries, a snapshot
/// that the managed read reuses (so its buffers are warm after the first read, as in a polling loop), and
/// the C baseline's buffers of <paramref name="capacity"/> entries.
/// </summary>
public abstract class SnapshotBenchmarkBase(string mapName, int capacity)
{
    private protected BpfMap<uint, Value64> Map { get; private set; } = null!;

    private protected BpfMapSnapshot Snapshot { get; private set; } = null!;

    private protected SnapshotBuffers Buffers { get; private set; } = null!;

    private protected static uint KeySize => sizeof(uint);

    private protected static uint ValueSize => (uint)Unsafe.SizeOf<Value64>();

    [GlobalSetup]
    public void Setup()
    {
        Map = BpfMapFactory.Kernel.CreateHash<uint, Value64>(MapWorkload.Keys, name: mapName);
        for (uint key = 0; key < MapWorkload.Keys; key++)
        {
            Map.Update(key, new Value64 { First = key });
        }

        Snapshot = Map.CreateSnapshot();
        Buffers = new SnapshotBuffers(capacity, (int)KeySize, (int)ValueSize);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Map.Dispose();
        Buffers.Dispose();
    }

    /// <summary>Checks that a read saw every entry, so a short read never reports a fast time.</summary>
    private protected static int Expect(int read, string what)
        => read == MapWorkload.Keys ? read : throw new InvalidOperationException($"{what} read {read} of {MapWorkload.Keys} entries.");
}
