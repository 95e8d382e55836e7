using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace BpfChannels;

/// <summary>
/// A map as a bidirectional message channel. Kernel to .NET: each <see cref="MapChannel.Poll"/> reads the whole map, compares it
/// with the previous read and delivers <see cref="MapChange{TKey, TValue}"/> values to every subscriber, as an
/// <see cref="IObservable{T}"/> (<see cref="Observe(Func{TKey, bool}?)"/>), a <see cref="ChannelReader{T}"/>
/// (<see cref="OpenReader(Func{TKey, bool}?)"/>) or an <see cref="IAsyncEnumerable{T}"/> (<see cref="WatchAsync(Func{TKey, bool}?, CancellationToken)"/>).
/// .NET to kernel: <see cref="Writer"/> and <see cref="WriteAsync"/> apply flagged updates and deletes and report each outcome.
/// </summary>
/// <typeparam name="TKey">The key type (the map's key size).</typeparam>
/// <typeparam name="TValue">The value type (the map's value size).</typeparam>
/// <remarks>
/// <para>List, then watch: a new subscriber first receives the entries of the last poll as <see cref="MapChangeKind.Added"/>, then
/// every change of later polls. The current state (<see cref="TryGet"/>, <see cref="MapChannel.Count"/>, <see cref="ToDictionary"/>) is the
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

    private readonly MapWriteProcessor<TKey, TValue> _writes;

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
    /// <see cref="MapChannel.Bind"/> gives it a map (writes wait in the queue until then), and the first poll after that lists the map.
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
        : base(map, name, Unsafe.SizeOf<TKey>(), Unsafe.SizeOf<TValue>(), perCpu: projection is not null, projection, options)
    {
        _writes = new MapWriteProcessor<TKey, TValue>(map, Unsafe.SizeOf<TKey>(), RawValueSize, Options);
        ConfigureNotifications(Options);
    }

    /// <summary>Queues writes without waiting for their outcomes, which arrive on <see cref="Outcomes"/>.</summary>
    /// <remarks>
    /// Bounded (<see cref="MapChannelOptions.WriteCapacity"/>): <c>WriteAsync</c> waits while it is full, <c>TryWrite</c> returns
    /// <see langword="false"/>. Invalid flags throw <see cref="ArgumentException"/> at once. Completing it is refused: the
    /// channel owns completion (<see cref="MapChannel.CompleteAsync"/>).
    /// </remarks>
    public ChannelWriter<MapWrite<TKey, TValue>> Writer => _writes.Writer;

    /// <summary>Every write's outcome, in the order writes were applied.</summary>
    /// <remarks>Observers are called on the writing task, one outcome at a time; a slow observer slows writing (backpressure), a throwing one is unsubscribed.</remarks>
    public IObservable<MapWriteOutcome<TKey, TValue>> Outcomes => Observable.Create<MapWriteOutcome<TKey, TValue>>(_writes.Subscribe);

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
            int i = State.IndexOf(Bytes(in key));
            value = i < 0 ? default : MemoryMarshal.Read<TValue>(State.ValueAt(i));
            return i >= 0;
        }
    }

    /// <summary>Copies the state of the last poll.</summary>
    /// <returns>A new dictionary of every entry.</returns>
    public Dictionary<TKey, TValue> ToDictionary()
    {
        lock (_gate)
        {
            BpfMapSnapshot state = State;
            var copy = new Dictionary<TKey, TValue>(state.Count);
            for (int i = 0; i < state.Count; i++)
            {
                copy[MemoryMarshal.Read<TKey>(state.KeyAt(i))] = MemoryMarshal.Read<TValue>(state.ValueAt(i));
            }

            return copy;
        }
    }

    /// <summary>Subscribes a reader: the current entries (those passing <paramref name="keyFilter"/>) as Added, then changes.</summary>
    /// <param name="keyFilter">Which keys to deliver, or <see langword="null"/> for all. Called on the polling thread; keep it cheap.</param>
    /// <returns>The reader; dispose it to unsubscribe. It completes when the channel completes.</returns>
    /// <remarks>If polls were skipped while nobody subscribed, the map is read first, so the listing is current.</remarks>
    /// <exception cref="BpfException">That first read failed.</exception>
    public MapChangeReader<TKey, TValue> OpenReader(Func<TKey, bool>? keyFilter = null)
        => AddSubscriber(new MapChangeReader<TKey, TValue>(this, Options, keyFilter));

    /// <summary>Subscribes a reader for one key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The reader; dispose it to unsubscribe.</returns>
    public MapChangeReader<TKey, TValue> OpenReader(TKey key) => OpenReader(KeyFilter(key));

    /// <summary>
    /// Subscribes <paramref name="handler"/> inline, on the channel's own thread, with no buffer and no thread hop: the
    /// cheapest way to watch a map. The current entries are delivered first, as <see cref="MapChangeKind.Added"/>, before
    /// this method returns; then every change with its previous value, from the thread that finds it (a
    /// <see cref="MapChannel.Poll"/>'s caller, or the notifier's thread in <see cref="MapChannelMode.Notified"/> mode).
    /// </summary>
    /// <typeparam name="THandler">The handler's type; a struct handler is copied into the subscription and called without boxing, so a delivered change allocates nothing.</typeparam>
    /// <param name="handler">The handler.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="BpfException">Listing a map whose polls were skipped while nobody listened failed.</exception>
    /// <remarks>
    /// The handler runs with the channel's state locked: it must be quick and must not wait for anything, since the next
    /// change (and every other subscriber) waits for it. Calls never overlap. A handler that throws is unsubscribed (the
    /// exception goes nowhere else) and the channel goes on; one that throws during the listing is not subscribed, and
    /// the exception leaves this method. Use <see cref="Observe(Func{TKey, bool}?)"/> or <see cref="OpenReader(Func{TKey, bool}?)"/>
    /// for a subscriber that may be slow: they buffer, and a slow one hurts only itself.
    /// </remarks>
    public IDisposable Subscribe<THandler>(THandler handler)
        where THandler : IMapChangeHandler<TKey, TValue>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddSubscriber(new HandlerSubscription<TKey, TValue, THandler>(this, handler));
    }

    /// <summary>The changes as an observable: each subscription lists the current entries as Added, then delivers changes.</summary>
    /// <param name="keyFilter">Which keys to deliver, or <see langword="null"/> for all.</param>
    /// <returns>A cold observable; each subscription is its own reader.</returns>
    /// <remarks>
    /// Each subscription has its own dedicated thread that calls the observer, so a subscriber that blocks in
    /// <c>OnNext</c> delays only itself: never the poller, never another subscriber, and it needs no free thread-pool
    /// thread. <c>OnNext</c> calls for one subscription never overlap and never run on the polling thread. A subscriber
    /// whose <c>OnNext</c> throws is unsubscribed (the exception goes nowhere else); the poller and the other subscribers
    /// go on. <c>OnCompleted</c> (or <c>OnError</c>) follows when the channel completes, and nothing after it. On Linux
    /// each subscription's thread sleeps in futex(2) on a word of its own (no descriptor), woken once per delivery that
    /// holds a change for it (and every half buffer within a larger one), and only while it waits.
    /// </remarks>
    public IObservable<MapChange<TKey, TValue>> Observe(Func<TKey, bool>? keyFilter = null)
        => Observable.Create<MapChange<TKey, TValue>>(observer =>
        {
            var reader = new MapChangeReader<TKey, TValue>(this, Options, keyFilter, pumped: true);
            try
            {
                _ = AddSubscriber(reader);
                return Disposable.Create(new MapChangePump<TKey, TValue>(reader, observer, Name).Dispose);
            }
            catch
            {
                // The listing failed, or the pump's thread did not start: no pump will run to unsubscribe the reader
                // and close its wake-up.
                reader.Dispose();
                reader.ReleaseWakeup();
                throw;
            }
        });

    /// <summary>
    /// The changes as an observable whose observer is called inline, on the channel's own thread, with no buffer and no
    /// thread hop: what <see cref="Subscribe{THandler}(THandler)"/> is to a handler, for Rx. Each subscription lists the
    /// current entries as Added before <c>Subscribe</c> returns, then delivers every change from the thread that finds it
    /// (a <see cref="MapChannel.Poll"/>'s caller, or the notifier's thread in <see cref="MapChannelMode.Notified"/> mode).
    /// </summary>
    /// <param name="keyFilter">Which keys to deliver, or <see langword="null"/> for all. Called on the channel's thread.</param>
    /// <returns>A cold observable; each subscription is its own inline subscriber.</returns>
    /// <exception cref="BpfException">From <c>Subscribe</c>: listing a map whose polls were skipped while nobody listened failed.</exception>
    /// <remarks>
    /// <para><c>OnNext</c> runs with the channel's state locked: it must be quick and must not wait for anything, since
    /// the next change, every other subscriber and (in notified mode) every other channel of the same change ring wait for
    /// it. Add <c>ObserveOn</c> for work that may be slow, or use <see cref="Observe(Func{TKey, bool}?)"/>, whose
    /// subscriptions each have a buffer and a thread of their own. Calls never overlap, and a delivered change allocates
    /// nothing. An observer whose <c>OnNext</c> throws is unsubscribed (the exception goes nowhere else); one that throws
    /// during the listing is not subscribed, and the exception leaves <c>Subscribe</c>. A key filter that throws ends the
    /// stream with its exception as <c>OnError</c>. <c>OnCompleted</c> (or <c>OnError</c>) follows when the channel
    /// completes, on the thread that completes it, and nothing after it; an exception from either goes nowhere.</para>
    /// <para>The delivering thread is also a writer's, for the channel's own writes in notified mode. <c>OnNext</c> must not
    /// call back into the channel's delivery (<see cref="MapChannel.Poll"/>, a new subscription to this channel): it would
    /// run inside the delivery in progress. Subscribed from within an Rx trampoline (<c>CurrentThreadScheduler</c>), the
    /// listing runs when the trampoline gets to it rather than before <c>Subscribe</c> returns.</para>
    /// </remarks>
    public IObservable<MapChange<TKey, TValue>> ObserveInline(Func<TKey, bool>? keyFilter = null)
        => Observable.Create<MapChange<TKey, TValue>>(observer => AddSubscriber(new ObserverSubscription<TKey, TValue>(this, observer, keyFilter)));

    /// <summary>The changes of one key as an observable called inline (see <see cref="ObserveInline(Func{TKey, bool}?)"/>).</summary>
    /// <param name="key">The key.</param>
    /// <returns>A cold observable.</returns>
    public IObservable<MapChange<TKey, TValue>> ObserveInline(TKey key) => ObserveInline(KeyFilter(key));

    /// <summary>How often the <see cref="Observe(Func{TKey, bool}?)"/> pumps subscribed now were woken, each pump's count in subscription order.</summary>
    internal long[] PumpWakeups() => [.. Subscribers.OfType<MapChangeReader<TKey, TValue>>().Select(r => r.Wakeups)];

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
    private protected override void OnBound(BpfMap map) => _writes.Bind(map);

    /// <inheritdoc/>
    private protected override void OnNotifiedModeStarted() => _writes.Applied = OnOwnWrite;

    /// <inheritdoc/>
    private protected override Task CompleteWrites()
    {
        _writes.TryComplete();
        return _writes.Completion;
    }

    private void OnOwnWrite(MapWriteOutcome<TKey, TValue> outcome)
    {
        if (outcome.Succeeded)
        {
            TKey key = outcome.Write.Key;
            ApplyOwnWrite(Bytes(in key));
        }
    }

    private static Func<TKey, bool> KeyFilter(TKey key) => candidate => Bytes(in candidate).SequenceEqual(Bytes(in key));

    private static ReadOnlySpan<byte> Bytes<T>(ref readonly T value)
        where T : unmanaged
        => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
