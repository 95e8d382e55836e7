namespace BpfChannels;

/// <summary>
/// The type-independent face of a <see cref="MapChannel{TKey, TValue}"/>: what a poller, a health check or
/// a metrics exporter needs without knowing the key and value types.
/// </summary>
/// <remarks>All members are thread-safe.</remarks>
public abstract class MapChannel : IAsyncDisposable
{
    private readonly string? _name;
    private BpfMap? _map;

    private protected MapChannel(BpfMap? map, string? name)
    {
        _map = map;
        _name = name;
    }

    /// <summary>The untyped map this channel reads and writes now.</summary>
    /// <exception cref="InvalidOperationException">The channel was created without a map and <see cref="Bind"/> has not given it one yet.</exception>
    /// <remarks>After <see cref="Bind"/> this is the new map; read it again rather than keeping it.</remarks>
    public BpfMap Map => Volatile.Read(ref _map)
        ?? throw new InvalidOperationException($"Map channel '{Name}' has no map yet: it was created without one and Bind has not been called.");

    /// <summary>Whether the channel has a map (it was created with one, or <see cref="Bind"/> gave it one).</summary>
    public bool HasMap => Volatile.Read(ref _map) is not null;

    /// <summary>The name the channel was created with, else its map's name.</summary>
    public string Name => _name ?? Volatile.Read(ref _map)?.Name ?? string.Empty;

    /// <summary>The number of re-lists: polls that read a map given by <see cref="Bind"/> for the first time.</summary>
    public abstract long Relists { get; }

    /// <summary>
    /// Raised after a re-list: the first poll of a map given by <see cref="Bind"/> (a pin that now names another map,
    /// an object reloaded, a map that appeared late). That poll delivered the differences between the last state and
    /// the new map's contents to every subscriber as ordinary Added/Updated/Removed changes before this event.
    /// </summary>
    /// <remarks>
    /// Raised on the polling thread, after the changes are queued for subscribers (they may not have read them yet).
    /// A handler that throws is ignored, so it cannot stop the poll; keep handlers short.
    /// </remarks>
    public event EventHandler<MapChannelRelistedEventArgs>? Relisted;

    /// <summary>
    /// Points the channel at <paramref name="map"/>, which must have the same key and value sizes and per-CPU-ness as the
    /// types the channel was created with. The next poll re-lists: it reads the new map, delivers what differs from the
    /// last state as ordinary changes and raises <see cref="Relisted"/>. Queued and later writes go to the new map.
    /// </summary>
    /// <param name="map">The new map. The channel does not dispose it, nor the map it replaces.</param>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The map's sizes or kind do not fit the channel.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="map"/> is disposed.</exception>
    /// <exception cref="InvalidOperationException">The channel is completed.</exception>
    /// <remarks>Thread-safe; waits for a poll in progress to finish. Binding the current map again does nothing.</remarks>
    public abstract void Bind(BpfMap map);

    /// <summary>
    /// Applies changed options: <see cref="MapChannelOptions.PollWhenUnobserved"/> and
    /// <see cref="MapChannelOptions.ReadStrategy"/> from the next poll, <see cref="MapChannelOptions.SubscriberCapacity"/>
    /// and <see cref="MapChannelOptions.FullMode"/> for subscribers opened from now on. The write queue keeps the
    /// <see cref="MapChannelOptions.WriteCapacity"/> and <see cref="MapChannelOptions.MaxWriteBatch"/> it was created with.
    /// </summary>
    /// <param name="options">The new options (copied).</param>
    /// <returns>Whether <paramref name="options"/> asks for a write capacity or batch size other than the ones in effect, which this channel cannot apply.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; nothing is applied.</exception>
    /// <remarks>Thread-safe.</remarks>
    public abstract bool Reconfigure(MapChannelOptions options);

    /// <summary>Raises <see cref="Relisted"/>, each handler on its own so that one throwing cannot stop the others or the poll.</summary>
    private protected void OnRelisted(MapChannelRelistedEventArgs args)
    {
        if (Relisted is not { } handlers)
        {
            return;
        }

        foreach (Delegate handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<MapChannelRelistedEventArgs>)handler)(this, args);
            }
            catch (Exception)
            {
                // A handler's failure is its own; the poll that raised the event has already delivered its changes.
            }
        }
    }

    /// <summary>Sets the map <see cref="Map"/> returns; the caller holds the poll lock.</summary>
    private protected void SetMap(BpfMap map) => Volatile.Write(ref _map, map);

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

    /// <summary>
    /// The number of changes found only by full reads of a notified channel (<see cref="MapChannelMode.Notified"/>) after
    /// its first listing: writes the change notices did not report (user space, programs that do not use the wrappers,
    /// notices lost to a full ring). Zero for a polled channel, and for a notified map whose writers all notify.
    /// </summary>
    public abstract long ReconciledChanges { get; }

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
    /// <exception cref="InvalidOperationException">The channel is completed, or it has no map yet (<see cref="HasMap"/>).</exception>
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
