using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace BpfChannels;

/// <summary>
/// A map as a bidirectional message channel. Kernel to .NET: each <see cref="Poll"/> reads the whole map, compares it
/// with the previous read and delivers <see cref="MapChange{TKey, TValue}"/> values to every subscriber, as an
/// <see cref="IObservable{T}"/> (<see cref="Observe(Func{TKey, bool}?)"/>), a <see cref="ChannelReader{T}"/>
/// (<see cref="OpenReader(Func{TKey, bool}?)"/>) or an <see cref="IAsyncEnumerable{T}"/> (<see cref="WatchAsync(Func{TKey, bool}?, CancellationToken)"/>).
/// .NET to kernel: <see cref="Writer"/> and <see cref="WriteAsync"/> apply flagged updates and deletes and report each outcome.
/// </summary>
/// <typeparam name="TKey">The key type (the map's key size).</typeparam>
/// <typeparam name="TValue">The value type (the map's value size).</typeparam>
/// <remarks>
/// <para>List, then watch: a new subscriber first receives the entries of the last poll as <see cref="MapChangeKind.Added"/>, then
/// every change of later polls. The current state (<see cref="TryGet"/>, <see cref="Count"/>, <see cref="ToDictionary"/>) is the
/// last poll's, answered without a syscall.</para>
/// <para>Reading uses the cheapest mechanism the map allows (<see cref="BpfMap.ReadSnapshot"/>): a memory-mapped view for
/// <see cref="BpfMapFlags.Mmapable"/> arrays (5.5), batch lookup (5.6), get_next_key otherwise. A poll where nothing
/// changed allocates nothing.</para>
/// <para>All members are thread-safe. The poller never waits for a subscriber: each has its own bounded buffer, and a
/// subscriber that throws is unsubscribed without disturbing the others. The channel does not own the map.</para>
/// </remarks>
public sealed partial class MapChannel<TKey, TValue> : MapChannel
    where TKey : unmanaged
    where TValue : unmanaged
{

    private bool _stale;
    private MapChannelOptions _options;
    private readonly PerCpuProjection<TValue>? _projection;
    private readonly BpfMapSnapshot? _raw;
    private readonly MapWriteProcessor<TKey, TValue> _writes;
    private readonly int _writeCapacity;
    private readonly int _maxWriteBatch;
    private readonly Lock _pollLock = new();
    private readonly Lock _gate = new();
    private MapChangeReader<TKey, TValue>[] _subscribers = [];
    private BpfMapSnapshot _current;
    private BpfMapSnapshot _next;
    private Exception? _completion;
    private bool _completed;
    private bool _relistPending;
    private uint _mapId;
    private uint _previousMapId;
    private long _polls;
    private long _changes;
    private long _dropped;
    private long _relists;

    /// <summary>Creates a channel over <paramref name="map"/> (kernel map or in-memory twin).</summary>
    /// <param name="map">The map. The channel does not dispose it.</param>
    /// <param name="options">Reading, buffering and writing options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="map"/> is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MapChannel(BpfMap<TKey, TValue> map, MapChannelOptions? options = null)
        : this((map ?? throw new ArgumentNullException(nameof(map))).Map, null, null, options)
    {
    }

    /// <summary>
    /// Creates a channel that has no map yet: subscribers and writers can use it at once, polls are refused until
    /// <see cref="Bind"/> gives it a map (writes wait in the queue until then), and the first poll after that lists the map.
    /// </summary>
    /// <param name="name">The channel's name, used in messages until it has a map and after.</param>
    /// <param name="options">Reading, buffering and writing options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <remarks>Use it for a map that may appear later: a pin another process creates, an object loaded later.</remarks>
    public MapChannel(string name, MapChannelOptions? options = null)
        : this(null, CheckName(name), null, options)
    {
    }

    /// <summary>A channel over an untyped map whose sizes are checked already (or none yet); per-CPU maps come with a projection.</summary>
    internal MapChannel(BpfMap? map, string? name, PerCpuProjection<TValue>? projection, MapChannelOptions? options)
        : base(map, name)
    {
        if (map is not null)
        {
            ObjectDisposedException.ThrowIf(map.IsDisposed, map);
        }

        _options = Clone(options ?? new MapChannelOptions());
        _options.Validate();
        _writeCapacity = _options.WriteCapacity;
        _maxWriteBatch = _options.MaxWriteBatch;
        _projection = projection;
        int keySize = Unsafe.SizeOf<TKey>();
        int valueSize = Unsafe.SizeOf<TValue>();
        int valueBufferSize = projection is null ? map?.ValueBufferSize ?? valueSize : BpfMap.PerCpuStride(valueSize) * BpfSystem.PossibleCpuCount;
        _raw = projection is null ? null : new BpfMapSnapshot(keySize, valueBufferSize);
        _current = new BpfMapSnapshot(keySize, projection is null ? valueBufferSize : valueSize);
        _next = new BpfMapSnapshot(keySize, projection is null ? valueBufferSize : valueSize);
        _writes = new MapWriteProcessor<TKey, TValue>(map, keySize, valueBufferSize, _options);
        ConfigureNotifications(_options);
    }

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

    /// <summary>Queues writes without waiting for their outcomes, which arrive on <see cref="Outcomes"/>.</summary>
    /// <remarks>
    /// Bounded (<see cref="MapChannelOptions.WriteCapacity"/>): <c>WriteAsync</c> waits while it is full, <c>TryWrite</c> returns
    /// <see langword="false"/>. Invalid flags throw <see cref="ArgumentException"/> at once. Completing it is refused: the
    /// channel owns completion (<see cref="CompleteAsync"/>).
    /// </remarks>
    public ChannelWriter<MapWrite<TKey, TValue>> Writer => _writes.Writer;

    /// <summary>Every write's outcome, in the order writes were applied.</summary>
    /// <remarks>Observers are called on the writing task, one outcome at a time; a slow observer slows writing (backpressure), a throwing one is unsubscribed.</remarks>
    public IObservable<MapWriteOutcome<TKey, TValue>> Outcomes => Observable.Create<MapWriteOutcome<TKey, TValue>>(_writes.Subscribe);

    /// <inheritdoc/>
    public override long Relists => Interlocked.Read(ref _relists);

    /// <inheritdoc/>
    public override int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <inheritdoc/>
    public override bool IsObserved => Volatile.Read(ref _options).PollWhenUnobserved || SubscriberCount > 0;

    /// <inheritdoc/>
    public override bool IsCompleted => Volatile.Read(ref _completed);

    /// <inheritdoc/>
    public override long Polls => Interlocked.Read(ref _polls);

    /// <inheritdoc/>
    public override long Changes => Interlocked.Read(ref _changes);

    /// <inheritdoc/>
    public override long DroppedChanges => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public override long Writes => _writes.Writes;

    /// <inheritdoc/>
    public override long WriteFailures => _writes.Failures;

    /// <summary>Looks a key up in the state of the last poll, without a syscall.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, or <see langword="default"/>.</param>
    /// <returns>Whether the key was present at the last poll.</returns>
    public bool TryGet(in TKey key, out TValue value)
    {
        lock (_gate)
        {
            int i = _current.IndexOf(Bytes(in key));
            value = i < 0 ? default : MemoryMarshal.Read<TValue>(_current.ValueAt(i));
            return i >= 0;
        }
    }

    /// <summary>Copies the state of the last poll.</summary>
    /// <returns>A new dictionary of every entry.</returns>
    public Dictionary<TKey, TValue> ToDictionary()
    {
        lock (_gate)
        {
            var copy = new Dictionary<TKey, TValue>(_current.Count);
            for (int i = 0; i < _current.Count; i++)
            {
                copy[MemoryMarshal.Read<TKey>(_current.KeyAt(i))] = MemoryMarshal.Read<TValue>(_current.ValueAt(i));
            }

            return copy;
        }
    }

    /// <summary>Copies the state of the last poll into <paramref name="snapshot"/>, reusing its buffers.</summary>
    /// <param name="snapshot">A snapshot of the map's key size and <typeparamref name="TValue"/>'s size (<see cref="BpfMap{TKey, TValue}.CreateSnapshot"/> for a map that is not per-CPU).</param>
    /// <exception cref="ArgumentException">The snapshot's sizes do not fit the map.</exception>
    public void CopyStateTo(BpfMapSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            snapshot.CopyFrom(_current);
        }
    }

    /// <summary>Subscribes a reader: the current entries (those passing <paramref name="keyFilter"/>) as Added, then changes.</summary>
    /// <param name="keyFilter">Which keys to deliver, or <see langword="null"/> for all. Called on the polling thread; keep it cheap.</param>
    /// <returns>The reader; dispose it to unsubscribe. It completes when the channel completes.</returns>
    /// <remarks>If polls were skipped while nobody subscribed, the map is read first, so the listing is current.</remarks>
    /// <exception cref="BpfException">That first read failed.</exception>
    public MapChangeReader<TKey, TValue> OpenReader(Func<TKey, bool>? keyFilter = null)
    {
        // A map that went away is not read: the listing is its last state, and whoever reopens it re-lists.
        if (Volatile.Read(ref _stale) && !Volatile.Read(ref _completed) && HasMap && !Map.IsDisposed)
        {
            // Polls were skipped while nobody listened: list what the map holds now, not what it held then.
            _ = PollCore(force: true);
        }

        lock (_gate)
        {
            var listing = new BpfMapSnapshot(_current.KeySize, _current.ValueSize);
            listing.CopyFrom(_current);
            var reader = new MapChangeReader<TKey, TValue>(this, Volatile.Read(ref _options), keyFilter, listing);
            if (_completed)
            {
                reader.Complete(_completion);
            }
            else
            {
                _subscribers = [.. _subscribers, reader];
            }

            return reader;
        }
    }

    /// <summary>Subscribes a reader for one key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The reader; dispose it to unsubscribe.</returns>
    public MapChangeReader<TKey, TValue> OpenReader(TKey key) => OpenReader(KeyFilter(key));

    /// <summary>The changes as an observable: each subscription lists the current entries as Added, then delivers changes.</summary>
    /// <param name="keyFilter">Which keys to deliver, or <see langword="null"/> for all.</param>
    /// <returns>A cold observable; each subscription is its own reader.</returns>
    /// <remarks>
    /// Each subscription has its own dedicated thread that calls the observer, so a subscriber that blocks in
    /// <c>OnNext</c> delays only itself: never the poller, never another subscriber, and it needs no free thread-pool
    /// thread. <c>OnNext</c> calls for one subscription never overlap and never run on the polling thread. A subscriber
    /// whose <c>OnNext</c> throws is unsubscribed (the exception goes nowhere else); the poller and the other subscribers
    /// go on. <c>OnCompleted</c> (or <c>OnError</c>) follows when the channel completes, and nothing after it.
    /// </remarks>
    public IObservable<MapChange<TKey, TValue>> Observe(Func<TKey, bool>? keyFilter = null)
        => Observable.Create<MapChange<TKey, TValue>>(observer =>
        {
            MapChangeReader<TKey, TValue> reader = OpenReader(keyFilter);
            var pump = new MapChangePump<TKey, TValue>(reader, observer, Name);
            return Disposable.Create(pump.Dispose);
        });

    /// <summary>The changes of one key as an observable (see <see cref="Observe(Func{TKey, bool}?)"/>).</summary>
    /// <param name="key">The key.</param>
    /// <returns>A cold observable.</returns>
    public IObservable<MapChange<TKey, TValue>> Observe(TKey key) => Observe(KeyFilter(key));

    /// <summary>The changes as an async stream: the current entries as Added, then changes until the channel completes.</summary>
    /// <param name="keyFilter">Which keys to deliver, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The stream; ending the enumeration unsubscribes.</returns>
    public async IAsyncEnumerable<MapChange<TKey, TValue>> WatchAsync(Func<TKey, bool>? keyFilter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using MapChangeReader<TKey, TValue> reader = OpenReader(keyFilter);
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out MapChange<TKey, TValue> change))
            {
                yield return change;
            }
        }
    }

    /// <summary>The changes of one key as an async stream (see <see cref="WatchAsync(Func{TKey, bool}?, CancellationToken)"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The stream; ending the enumeration unsubscribes.</returns>
    public IAsyncEnumerable<MapChange<TKey, TValue>> WatchAsync(TKey key, CancellationToken cancellationToken = default) => WatchAsync(KeyFilter(key), cancellationToken);

    /// <summary>Writes through the channel and waits for the outcome.</summary>
    /// <param name="write">The write (see <see cref="MapWrite"/>).</param>
    /// <param name="cancellationToken">Cancels waiting for room in the write queue (not a queued write).</param>
    /// <returns>The outcome: success, or the key, flags and errno of the failure. It also goes to <see cref="Outcomes"/>.</returns>
    /// <exception cref="ArgumentException">The write's flags are invalid.</exception>
    /// <exception cref="ChannelClosedException">The channel is completed.</exception>
    public Task<MapWriteOutcome<TKey, TValue>> WriteAsync(MapWrite<TKey, TValue> write, CancellationToken cancellationToken = default)
        => _writes.WriteAsync(write, cancellationToken);

    /// <inheritdoc/>
    public override MapPollResult Poll() => PollCore(force: false);

    private MapPollResult PollCore(bool force)
    {
        MapPollResult result;
        MapChannelRelistedEventArgs? relisted = null;
        lock (_pollLock)
        {
            if (Volatile.Read(ref _completed))
            {
                throw new InvalidOperationException($"The channel of map '{Name}' is completed.");
            }

            BpfMap map = Map;
            if (!IsObserved && !force)
            {
                // Skipped: the state is now older than the interval promises, so the next subscriber reads first.
                Volatile.Write(ref _stale, true);
                return new MapPollResult(false, _current.Count, 0, _current.Strategy);
            }

            Volatile.Write(ref _stale, false);

            // Only polls touch _next, so the syscalls run outside _gate; a failed read leaves the state as it was.
            BpfMapReadStrategy strategy = Volatile.Read(ref _options).ReadStrategy;
            if (_projection is null)
            {
                map.ReadSnapshot(_next, strategy);
            }
            else
            {
                map.ReadSnapshot(_raw!, strategy);
                _projection.Project(_raw!, _next);
            }

            lock (_gate)
            {
                int changes = Diff(_current, _next);
                (_current, _next) = (_next, _current);
                Interlocked.Increment(ref _polls);
                Interlocked.Add(ref _changes, changes);
                result = new MapPollResult(true, _current.Count, changes, _current.Strategy);
            }

            AfterFullRead(result.Changes, _relistPending);

            if (_relistPending)
            {
                // The diff above ran against the previous map's last state: its changes are the re-list's.
                _relistPending = false;
                Interlocked.Increment(ref _relists);
                relisted = new MapChannelRelistedEventArgs(_previousMapId, _mapId, result.Changes, result.Entries);
            }
        }

        if (relisted is not null)
        {
            OnRelisted(relisted);
        }

        return result;
    }

    /// <inheritdoc/>
    public override Task CompleteAsync(Exception? error = null)
    {
        MapChangeReader<TKey, TValue>[] subscribers;
        lock (_gate)
        {
            if (!_completed)
            {
                _completed = true;
                _completion = error;
            }

            subscribers = _subscribers;
            _subscribers = [];
        }

        DetachNotifications();

        foreach (MapChangeReader<TKey, TValue> subscriber in subscribers)
        {
            subscriber.Complete(error);
        }

        _writes.TryComplete();
        return _writes.Completion;
    }

    internal void Unsubscribe(MapChangeReader<TKey, TValue> reader)
    {
        lock (_gate)
        {
            int i = Array.IndexOf(_subscribers, reader);
            if (i >= 0)
            {
                _subscribers = [.. _subscribers.AsSpan(0, i), .. _subscribers.AsSpan(i + 1)];
            }
        }
    }

    internal void CountDrop() => Interlocked.Increment(ref _dropped);

    private int Diff(BpfMapSnapshot previous, BpfMapSnapshot current)
    {
        var sink = new PublishingSink(this);
        return SnapshotDiff.Compare(previous, current, ref sink);
    }

    private void Publish(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        MapChangeReader<TKey, TValue>[] subscribers = _subscribers;
        if (subscribers.Length == 0)
        {
            return;
        }

        var change = new MapChange<TKey, TValue>(
            kind,
            MemoryMarshal.Read<TKey>(key),
            value.IsEmpty ? default : MemoryMarshal.Read<TValue>(value),
            previous.IsEmpty ? default : MemoryMarshal.Read<TValue>(previous));
        foreach (MapChangeReader<TKey, TValue> subscriber in subscribers)
        {
            bool accepted;
            try
            {
                accepted = subscriber.Accepts(change.Key);
            }
            catch (Exception ex)
            {
                // A throwing key filter ends its own subscription, not the poll.
                Unsubscribe(subscriber);
                subscriber.Complete(ex);
                continue;
            }

            if (accepted)
            {
                subscriber.Publish(change);
            }
        }
    }

    private static Func<TKey, bool> KeyFilter(TKey key) => candidate => Bytes(in candidate).SequenceEqual(Bytes(in key));

    private static ReadOnlySpan<byte> Bytes<T>(ref readonly T value)
        where T : unmanaged
        => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    private static MapChannelOptions Clone(MapChannelOptions options) => options.Clone();

    /// <summary>Turns the diff's byte-level changes into typed changes for the subscribers.</summary>
    private readonly struct PublishingSink(MapChannel<TKey, TValue> channel) : ISnapshotChangeSink
    {
        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
            => channel.Publish(kind, key, value, previous);
    }
}
