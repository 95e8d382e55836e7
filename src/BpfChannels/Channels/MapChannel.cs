namespace BpfChannels;

/// <summary>
/// The type-independent face of a <see cref="MapChannel{TKey, TValue}"/>: what a poller, a health check or
/// a metrics exporter needs without knowing the key and value types.
/// </summary>
/// <remarks>All members are thread-safe.</remarks>
public abstract class MapChannel : IAsyncDisposable
{
    private protected MapChannel(BpfMap map)
    {
        Map = map;
    }

    /// <summary>The untyped map this channel reads and writes.</summary>
    public BpfMap Map { get; }

    /// <summary>The map's name.</summary>
    public string Name => Map.Name;

    /// <summary>The number of current subscribers (observers, readers and async streams).</summary>
    public abstract int SubscriberCount { get; }

    /// <summary>Whether the next <see cref="Poll"/> would read the map (someone subscribes, or unobserved polling is on).</summary>
    public abstract bool IsObserved { get; }

    /// <summary>Whether <see cref="CompleteAsync"/> has been called.</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>The number of completed polls that read the map.</summary>
    public abstract long Polls { get; }

    /// <summary>The number of changes found by all polls.</summary>
    public abstract long Changes { get; }

    /// <summary>The number of changes not delivered because a subscriber's buffer was full.</summary>
    public abstract long DroppedChanges { get; }

    /// <summary>The number of writes applied or failed (every write counts once, when its outcome is known).</summary>
    public abstract long Writes { get; }

    /// <summary>The number of writes that failed.</summary>
    public abstract long WriteFailures { get; }

    /// <summary>
    /// Reads the whole map, compares it with the previous read and delivers every change to the subscribers.
    /// Does nothing (and makes no syscall) while nobody subscribes, unless <see cref="MapChannelOptions.PollWhenUnobserved"/> is set.
    /// </summary>
    /// <returns>What the poll did.</returns>
    /// <exception cref="BpfException">Reading the map failed; the current state and the subscribers are untouched.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="InvalidOperationException">The channel is completed.</exception>
    /// <remarks>Thread-safe; concurrent polls run one at a time. A poll where nothing changed allocates nothing.</remarks>
    public abstract MapPollResult Poll();

    /// <summary>
    /// Completes every subscriber's stream (with <paramref name="error"/> if given) and the write side; pending
    /// writes are still applied and their outcomes reported. Later subscribers complete immediately.
    /// </summary>
    /// <param name="error">The error to complete the streams with, or <see langword="null"/> for a normal completion.</param>
    /// <returns>A task that completes when every queued write has its outcome.</returns>
    public abstract Task CompleteAsync(Exception? error = null);

    /// <summary>Completes the channel (<see cref="CompleteAsync"/>). The map is not disposed; its owner disposes it.</summary>
    /// <returns>A task that completes when the channel is completed.</returns>
    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
