namespace BpfChannels;

/// <summary>One change of one map entry, as seen by a <see cref="MapChannel{TKey, TValue}"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Kind">What happened.</param>
/// <param name="Key">The entry's key.</param>
/// <param name="Value">The new value (<see langword="default"/> for <see cref="MapChangeKind.Removed"/>).</param>
/// <param name="PreviousValue">The value before the change (<see langword="default"/> for <see cref="MapChangeKind.Added"/>).</param>
/// <remarks>An immutable value; safe to share between threads.</remarks>
public readonly record struct MapChange<TKey, TValue>(MapChangeKind Kind, TKey Key, TValue Value, TValue PreviousValue)
    where TKey : unmanaged
    where TValue : unmanaged;
