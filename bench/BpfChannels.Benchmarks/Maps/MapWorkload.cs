namespace BpfChannels.Benchmarks.Maps;

/// <summary>The sizes of the map workloads and the value type of the snapshot workloads.</summary>
internal static class MapWorkload
{
    /// <summary>Element operations per benchmark operation (W1, W2).</summary>
    internal const int Operations = 1_000_000;

    /// <summary>Distinct keys the element operations cycle through, and entries of the snapshot maps.</summary>
    internal const int Keys = 100_000;

    /// <summary>Creates the u32 -> u64 hash of W1 and W2, holding every key.</summary>
    internal static BpfMap<uint, ulong> CreateFilledHash(string name)
    {
        BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Keys, name: name);
        for (uint key = 0; key < Keys; key++)
        {
            map.Update(key, key);
        }

        return map;
    }
}
