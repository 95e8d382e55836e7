namespace BpfChannels;

/// <summary>
/// Receives a <see cref="MapChannel{TKey, TValue}"/>'s changes inline, on the channel's own thread
/// (<see cref="MapChannel{TKey, TValue}.Subscribe"/>): the cheapest way to watch a map, with nothing allocated per change.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <remarks>
/// Implement it as a struct to avoid a virtual call and any boxing. The handler runs with the channel's state locked:
/// keep it quick, never block in it. Calls never overlap. A handler that throws is unsubscribed.
/// </remarks>
public interface IMapChangeHandler<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>One change.</summary>
    /// <param name="kind">Added, Updated or Removed.</param>
    /// <param name="key">The entry's key.</param>
    /// <param name="value">The current value; <see langword="default"/> for <see cref="MapChangeKind.Removed"/>.</param>
    /// <param name="previous">The previous value; <see langword="default"/> for <see cref="MapChangeKind.Added"/>.</param>
    void OnChange(MapChangeKind kind, in TKey key, in TValue value, in TValue previous);
}
