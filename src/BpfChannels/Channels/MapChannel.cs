namespace BpfChannels;

/// <summary>
/// A map channel without key and value types: the list-then-watch machinery over byte snapshots (poll and diff, the
/// notified mode, re-lists on <see cref="Bind"/>) that <see cref="MapChannel{TKey, TValue}"/> types at its edges, and
/// what a poller, a health check or a metrics exporter needs. <see cref="Create"/> gives one for a map whose sizes are
/// known only at run time, with byte-level subscriptions (<see cref="SubscribeBytes"/>).
/// </summary>
/// <remarks>All members are thread-safe.</remarks>
public abstract partial class MapChannel : IAsyncDisposable
{
    private readonly string? _name;
    private readonly SnapshotProjection? _projection;
    private readonly BpfMapSnapshot? _raw;
    private readonly int _valueSize;
    private readonly bool _perCpu;
    private readonly int _writeCapacity;
    private readonly int _maxWriteBatch;
    private readonly Lock _pollLock = new();
    private BpfMap? _map;
    private MapChannelOptions _options;
    private IChangeSubscriber[] _subscribers = [];
    private BpfMapSnapshot _current;
    private BpfMapSnapshot _next;
    private Exception? _completion;
    private bool _completed;
    private bool _stale;
    private bool _relistPending;
    private uint _mapId;
    private uint _previousMapId;
    private long _polls;
    private long _changes;
    private long _dropped;
    private long _relists;

    /// <summary>
    /// A channel over <paramref name="map"/> (or none yet, with <paramref name="name"/>), whose state holds
    /// <paramref name="keySize"/>-byte keys and values of <paramref name="valueSize"/> bytes: one per key, or the whole
    /// per-CPU buffer when <paramref name="perCpu"/> and no <paramref name="projection"/> is given.
    /// </summary>
    private protected MapChannel(BpfMap? map, string? name, int keySize, int valueSize, bool perCpu, SnapshotProjection? projection, MapChannelOptions? options)
    {
        if (map is not null)
        {
            ObjectDisposedException.ThrowIf(map.IsDisposed, map);
        }

        _map = map;
        _name = name;
        _options = (options ?? new MapChannelOptions()).Clone();
        _options.Validate();
        _writeCapacity = _options.WriteCapacity;
        _maxWriteBatch = _options.MaxWriteBatch;
        _valueSize = valueSize;
        _perCpu = perCpu;
        _projection = projection;
        RawValueSize = perCpu ? BpfMap.PerCpuStride(valueSize) * BpfSystem.PossibleCpuCount : valueSize;
        int stateValueSize = projection is null ? RawValueSize : valueSize;
        _raw = projection is null ? null : new BpfMapSnapshot(keySize, RawValueSize);
        _current = new BpfMapSnapshot(keySize, stateValueSize);
        _next = new BpfMapSnapshot(keySize, stateValueSize);
        _time = _options.TimeProvider ?? TimeProvider.System;
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

    /// <summary>The key size of the channel's state.</summary>
    public int KeySize => _current.KeySize;

    /// <summary>
    /// The size of each value in the channel's state and in the changes it delivers: the value type's size, or for a
    /// per-CPU map watched without a projection (<see cref="Create"/>) every possible CPU's value, each padded to 8 bytes.
    /// </summary>
    public int StateValueSize => _current.ValueSize;

    /// <summary>The number of entries at the last poll.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _current.Count;
            }
        }
    }

    /// <summary>The number of re-lists: polls that read a map given by <see cref="Bind"/> for the first time.</summary>
    public long Relists => Interlocked.Read(ref _relists);

    /// <summary>The number of current subscribers (observers, readers, async streams and inline handlers).</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>The subscribers now (a copy-on-write array: safe to enumerate without a lock).</summary>
    private protected IChangeSubscriber[] Subscribers => Volatile.Read(ref _subscribers);

    /// <summary>Whether the next <see cref="Poll"/> would read the map (someone subscribes, or unobserved polling is on).</summary>
    public bool IsObserved => Volatile.Read(ref _options).PollWhenUnobserved || SubscriberCount > 0;

    /// <summary>Whether <see cref="CompleteAsync"/> has been called.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed);

    /// <summary>The number of completed polls that read the map.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>The number of changes found by all polls (and, in notified mode, by notices).</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>The number of changes not delivered because a subscriber's buffer was full.</summary>
    public long DroppedChanges => Interlocked.Read(ref _dropped);

    /// <summary>The number of writes applied or failed (every write counts once, when its outcome is known); zero for a channel without a writer.</summary>
    public abstract long Writes { get; }

    /// <summary>The number of writes that failed.</summary>
    public abstract long WriteFailures { get; }

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
    /// A channel over a map whose key and value sizes are known only at run time: the same polled and notified
    /// watching as <see cref="MapChannel{TKey, TValue}"/>, delivered as bytes to handlers given to <see cref="SubscribeBytes"/>.
    /// </summary>
    /// <param name="map">The map (kernel map or in-memory twin); the channel does not dispose it. A per-CPU map's values are its whole per-CPU buffers (<see cref="StateValueSize"/>).</param>
    /// <param name="options">Reading, buffering and notification options, or <see langword="null"/> for the defaults. The channel has no writer, so the write options are not used.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="map"/> is disposed.</exception>
    /// <exception cref="ArgumentException">The map holds no keys to watch (a queue, stack or ring buffer).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <remarks>Works without generic instantiation over the sizes, so it suits Native AOT tools that learn a map's shape when they open it.</remarks>
    public static MapChannel Create(BpfMap map, MapChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        ObjectDisposedException.ThrowIf(map.IsDisposed, map);
        if (map.KeySize == 0)
        {
            throw new ArgumentException($"Map '{map.Name}' ({map.Type}) has no keys: a channel watches keyed maps; read queues, stacks and ring buffers with their own readers.", nameof(map));
        }

        return new ByteMapChannel(map, options);
    }

    /// <summary>
    /// Points the channel at <paramref name="map"/>, which must have the same key and value sizes and per-CPU-ness as the
    /// channel was created for. The next poll re-lists: it reads the new map, delivers what differs from the
    /// last state as ordinary changes and raises <see cref="Relisted"/>. Queued and later writes go to the new map.
    /// </summary>
    /// <param name="map">The new map. The channel does not dispose it, nor the map it replaces.</param>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The map's sizes or kind do not fit the channel.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="map"/> is disposed.</exception>
    /// <exception cref="InvalidOperationException">The channel is completed.</exception>
    /// <remarks>Thread-safe; waits for a poll in progress to finish. Binding the current map again does nothing.</remarks>
    public void Bind(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        ObjectDisposedException.ThrowIf(map.IsDisposed, map);
        if (map.KeySize != _current.KeySize || map.IsPerCpu != _perCpu || map.ValueSize != _valueSize)
        {
            throw new ArgumentException(
                $"Map '{map.Name}' ({map.KeySize}-byte keys, {map.ValueSize}-byte values{(map.IsPerCpu ? ", per-CPU" : string.Empty)}) does not fit channel '{Name}' ({_current.KeySize}-byte keys, {_valueSize}-byte values{(_perCpu ? ", per-CPU" : string.Empty)}).",
                nameof(map));
        }

        uint id = map.Id;
        lock (_pollLock)
        {
            if (Volatile.Read(ref _completed))
            {
                throw new InvalidOperationException($"The channel of map '{Name}' is completed.");
            }

            BpfMap? previous = Volatile.Read(ref _map);
            if (ReferenceEquals(previous, map))
            {
                return;
            }

            if (previous is not null)
            {
                // Only a replacement is a re-list; a first map is the channel's first listing.
                _previousMapId = _mapId != 0 ? _mapId : TryGetId(previous);
                _relistPending = true;
            }

            _mapId = id;
            Volatile.Write(ref _map, map);
            OnBound(map);
            OnNotifiedMapBound(map);
        }
    }

    /// <summary>
    /// Applies changed options: <see cref="MapChannelOptions.PollWhenUnobserved"/> and
    /// <see cref="MapChannelOptions.ReadStrategy"/> from the next poll, <see cref="MapChannelOptions.SubscriberCapacity"/>
    /// and <see cref="MapChannelOptions.FullMode"/> for subscribers opened from now on, the mode, notifier, tag and
    /// reconcile interval at once. The write queue keeps the <see cref="MapChannelOptions.WriteCapacity"/> and
    /// <see cref="MapChannelOptions.MaxWriteBatch"/> it was created with, and the channel keeps its
    /// clock (<see cref="MapChannelOptions.WithTimeProvider"/>).
    /// </summary>
    /// <param name="options">The new options (copied).</param>
    /// <returns>Whether <paramref name="options"/> asks for a write capacity or batch size other than the ones in effect, which this channel cannot apply.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; nothing is applied.</exception>
    /// <remarks>Thread-safe.</remarks>
    public bool Reconfigure(MapChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MapChannelOptions copy = options.Clone();
        copy.Validate();

        // Published with the poll lock held (in ConfigureNotifications), so a poll in progress finishes with the
        // options it started with and the next one sees the new options and the mode they set up together.
        ConfigureNotifications(copy);
        return copy.WriteCapacity != _writeCapacity || copy.MaxWriteBatch != _maxWriteBatch;
    }

    /// <summary>
    /// Reads the whole map, compares it with the previous read and delivers every change to the subscribers.
    /// Does nothing (and makes no syscall) while nobody subscribes, unless <see cref="MapChannelOptions.PollWhenUnobserved"/> is set.
    /// </summary>
    /// <returns>What the poll did.</returns>
    /// <exception cref="BpfException">Reading the map failed; the current state and the subscribers are untouched.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="InvalidOperationException">The channel is completed, or it has no map yet (<see cref="HasMap"/>).</exception>
    /// <remarks>Thread-safe; concurrent polls run one at a time. A poll where nothing changed allocates nothing.</remarks>
    public MapPollResult Poll() => PollCore(force: false);

    /// <summary>Copies the state of the last poll into <paramref name="snapshot"/>, reusing its buffers.</summary>
    /// <param name="snapshot">A snapshot of <see cref="KeySize"/>-byte keys and <see cref="StateValueSize"/>-byte values.</param>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The snapshot's sizes do not fit the state.</exception>
    public void CopyStateTo(BpfMapSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            snapshot.CopyFrom(_current);
        }
    }

    /// <summary>Completes the channel (<see cref="CompleteAsync"/>). The map is not disposed; its owner disposes it.</summary>
    /// <returns>A task that completes when the channel is completed.</returns>
    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The per-CPU (or plain) value buffer size the map is read with.</summary>
    private protected int RawValueSize { get; }

    /// <summary>The options in effect.</summary>
    private protected MapChannelOptions Options => Volatile.Read(ref _options);

    /// <summary>After <see cref="Bind"/> set a new map, with the poll lock held (the typed channel's writer follows it).</summary>
    private protected virtual void OnBound(BpfMap map)
    {
    }

    /// <summary>Raises <see cref="Relisted"/>, each handler on its own so that one throwing cannot stop the others or the poll.</summary>
    private void OnRelisted(MapChannelRelistedEventArgs args)
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

    private static uint TryGetId(BpfMap map)
    {
        try
        {
            return map.Id;
        }
        catch (ObjectDisposedException)
        {
            return 0; // gone before its id was asked for
        }
    }
}
