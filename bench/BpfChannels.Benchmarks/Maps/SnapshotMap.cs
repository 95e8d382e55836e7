namespace BpfChannels.Benchmarks.Maps;

/// <summary>The map of the snapshot workloads: a u32 -> 64-byte hash holding 100,000 entries.</summary>
internal static class SnapshotMap
{
    internal static BpfMap<uint, Value64> Create(string name)
    {
        BpfMap<uint, Value64> map = BpfMapFactory.Kernel.CreateHash<uint, Value64>(MapWorkload.Keys, name: name);
        for (uint key = 0; key < MapWorkload.Keys; key++)
        {
            map.Update(key, new Value64 { First = key });
        }

        return map;
    }

    internal static int Expect(int read, string what)
        => read == MapWorkload.Keys ? read : throw new InvalidOperationException($"{what} read {read} of {MapWorkload.Keys} entries.");
}
