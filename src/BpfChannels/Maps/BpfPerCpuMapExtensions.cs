using System.Numerics;

namespace BpfChannels;

/// <summary>Arithmetic over per-CPU values.</summary>
public static class BpfPerCpuMapExtensions
{
    /// <summary>Adds up the per-CPU values of <paramref name="key"/> (a per-CPU counter's total).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">A numeric value type.</typeparam>
    /// <param name="map">The map.</param>
    /// <param name="key">The key.</param>
    /// <returns>The sum, or zero if the key does not exist.</returns>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public static TValue Sum<TKey, TValue>(this BpfPerCpuMap<TKey, TValue> map, in TKey key)
        where TKey : unmanaged
        where TValue : unmanaged, INumber<TValue>
    {
        ArgumentNullException.ThrowIfNull(map);
        _ = map.TryAggregate(in key, TValue.Zero, static (sum, value) => sum + value, out TValue total);
        return total;
    }
}
