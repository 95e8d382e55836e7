namespace BpfChannels;

/// <summary>Builds <see cref="MapWrite{TKey, TValue}"/> values.</summary>
public static class MapWrite
{
    /// <summary>An update of <paramref name="key"/> to <paramref name="value"/>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="flags">
    /// <see cref="BpfMapUpdateFlags.Any"/> (create or replace), <see cref="BpfMapUpdateFlags.NoExist"/> (create only; EEXIST otherwise),
    /// <see cref="BpfMapUpdateFlags.Exist"/> (replace only; ENOENT otherwise), optionally with <see cref="BpfMapUpdateFlags.Lock"/>
    /// (values with a bpf_spin_lock, kernel 5.1).
    /// </param>
    /// <returns>The write.</returns>
    /// <exception cref="ArgumentException"><paramref name="flags"/> is not a valid combination.</exception>
    public static MapWrite<TKey, TValue> Update<TKey, TValue>(TKey key, TValue value, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        BpfMap.CheckUpdateFlags(flags);
        return new(MapWriteKind.Update, key, value, flags);
    }

    /// <summary>A delete of <paramref name="key"/> (ENOENT if it is missing).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>The write.</returns>
    public static MapWrite<TKey, TValue> Delete<TKey, TValue>(TKey key)
        where TKey : unmanaged
        where TValue : unmanaged
        => new(MapWriteKind.Delete, key, default, BpfMapUpdateFlags.Any);
}
