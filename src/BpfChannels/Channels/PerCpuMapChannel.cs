namespace BpfChannels;

/// <summary>Creates <see cref="MapChannel{TKey, TValue}"/> instances over per-CPU maps (kernel 4.6).</summary>
/// <remarks>
/// Each poll reads every CPU's value of every key; the channel then sees one value per key, either one CPU's or an
/// aggregate. Writes through such a channel store the written value on every CPU (as
/// <see cref="BpfPerCpuMap{TKey, TValue}.UpdateAll"/> does).
/// </remarks>
public static class PerCpuMapChannel
{
    /// <summary>A channel whose values aggregate every CPU's value of a key (for example their sum).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The per-CPU value type.</typeparam>
    /// <param name="map">The per-CPU map (hash, LRU hash or array). The channel does not dispose it.</param>
    /// <param name="aggregate">Combines the values of all possible CPUs, in CPU order; called on the polling thread for every key of every poll.</param>
    /// <param name="options">Channel options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static MapChannel<TKey, TValue> Aggregated<TKey, TValue>(BpfPerCpuMap<TKey, TValue> map, Func<ReadOnlySpan<TValue>, TValue> aggregate, MapChannelOptions? options = null)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(aggregate);
        return new MapChannel<TKey, TValue>(map.Map, null, new PerCpuProjection<TValue>(0, aggregate), options);
    }

    /// <summary>
    /// A channel of aggregated per-CPU values that has no map yet (see <see cref="MapChannel{TKey, TValue}(string, MapChannelOptions?)"/>):
    /// <see cref="MapChannel.Bind"/> gives it a per-CPU map whose values are <typeparamref name="TValue"/>.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The per-CPU value type.</typeparam>
    /// <param name="name">The channel's name.</param>
    /// <param name="aggregate">Combines the values of all possible CPUs, in CPU order; called on the polling thread.</param>
    /// <param name="options">Channel options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="aggregate"/> is <see langword="null"/>.</exception>
    public static MapChannel<TKey, TValue> Aggregated<TKey, TValue>(string name, Func<ReadOnlySpan<TValue>, TValue> aggregate, MapChannelOptions? options = null)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(aggregate);
        return new MapChannel<TKey, TValue>(null, name, new PerCpuProjection<TValue>(0, aggregate), options);
    }

    /// <summary>A channel that watches one CPU's values.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The per-CPU value type.</typeparam>
    /// <param name="map">The per-CPU map. The channel does not dispose it.</param>
    /// <param name="cpu">The CPU, from 0 to <see cref="BpfSystem.PossibleCpuCount"/> - 1.</param>
    /// <param name="options">Channel options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpu"/> is not a possible CPU.</exception>
    public static MapChannel<TKey, TValue> ForCpu<TKey, TValue>(BpfPerCpuMap<TKey, TValue> map, int cpu, MapChannelOptions? options = null)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, BpfSystem.PossibleCpuCount);
        return new MapChannel<TKey, TValue>(map.Map, null, new PerCpuProjection<TValue>(cpu, null), options);
    }
}
