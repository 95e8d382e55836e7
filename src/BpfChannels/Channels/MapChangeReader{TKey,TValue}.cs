using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace BpfChannels;

/// <summary>
/// One subscriber's change stream from a <see cref="MapChannel{TKey, TValue}"/>: first the entries present when it
/// subscribed (as <see cref="MapChangeKind.Added"/>), then every change found by later polls.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <remarks>
/// Changes wait in a bounded buffer (<see cref="MapChannelOptions.SubscriberCapacity"/>); when it is full the
/// channel's <see cref="MapChannelOptions.FullMode"/> applies and each lost change is counted in
/// <see cref="DroppedChanges"/>, so a stalled reader hurts only itself. The initial listing is never dropped.
/// Dispose the reader to unsubscribe. Reading is thread-safe.
/// </remarks>
public sealed class MapChangeReader<TKey, TValue> : ChannelReader<MapChange<TKey, TValue>>, IDisposable, IChangeSubscriber
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly Channel<MapChange<TKey, TValue>> _buffer;
    private readonly MapChannel<TKey, TValue> _owner;
    private readonly Func<TKey, bool>? _filter;
    private readonly bool _dropsOnFailedWrite;
    private readonly Lock _listingLock = new();
    private BpfMapSnapshot? _listing;
    private int _listed;
    private long _dropped;
    private volatile bool _closed;

    // Wakes a dedicated pump thread (Observe) directly, only when it waits, once per delivery (and see _wakeEvery): a
    // blocking wait on the buffer's own async waiter would need a thread-pool thread to run its continuation, which is
    // what a pump must never depend on. Null for a reader nobody pumps (its consumers wait on the buffer itself).
    private readonly ReaderWakeup? _wakeup;

    // A delivery of more changes than the buffer holds would overflow it before Flush wakes the pump, however fast the
    // pump: so the poller also wakes it every half buffer. The count is the poller's alone (Publish and Flush both run
    // with the channel's poll lock held), so it needs no atomics.
    private readonly int _wakeEvery;
    private int _sinceWake;
    private bool _queuedSinceFlush; // the poller's own: set by Publish and List, cleared by Flush

    internal MapChangeReader(MapChannel<TKey, TValue> owner, MapChannelOptions options, Func<TKey, bool>? filter, bool pumped = false)
        : this(owner, options, filter)
    {
        // Before the reader subscribes, so every publisher sees it.
        _wakeup = pumped ? new ReaderWakeup() : null;
        _wakeEvery = Math.Max(1, options.SubscriberCapacity / 2);
    }

    private MapChangeReader(MapChannel<TKey, TValue> owner, MapChannelOptions options, Func<TKey, bool>? filter)
    {
        _owner = owner;
        _filter = filter;
        var bounded = new BoundedChannelOptions(options.SubscriberCapacity)
        {
            FullMode = options.FullMode,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
        };
        _dropsOnFailedWrite = options.FullMode is BoundedChannelFullMode.Wait;
        _buffer = Channel.CreateBounded<MapChange<TKey, TValue>>(bounded, _ => CountDrop());
    }

    /// <summary>The number of changes this reader lost because its buffer was full.</summary>
    public long DroppedChanges => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public override Task Completion => _buffer.Reader.Completion;

    /// <inheritdoc/>
    public override bool TryRead(out MapChange<TKey, TValue> item)
    {
        if (Volatile.Read(ref _listing) is not null && TryReadListing(out item))
        {
            return true;
        }

        return _buffer.Reader.TryRead(out item);
    }

    /// <inheritdoc/>
    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
        => Volatile.Read(ref _listing) is not null ? new ValueTask<bool>(true) : _buffer.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>
    /// Unsubscribes: the initial entries not read yet are dropped at once (their copy goes back to the snapshot pool),
    /// and the stream completes after the changes already buffered.
    /// </summary>
    public void Dispose() => Close(null);

    /// <summary>Blocks until a change may be readable or the stream is over; for a pump on its own thread.</summary>
    /// <returns><see langword="false"/> once the stream is completed and empty (<see cref="Completion"/> says how it ended).</returns>
    /// <remarks>
    /// The wait itself takes no cancellation token (registering one costs on every wait); cancelling callers also
    /// dispose the reader, which wakes the wait, and this method checks the token before it looks at the buffer, so a
    /// cancelled pump stops even while changes are still buffered.
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> is cancelled.</exception>
    internal bool WaitToRead(CancellationToken cancellationToken)
    {
        ReaderWakeup wakeup = _wakeup ?? throw new InvalidOperationException("Only a pumped reader waits on its own thread.");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (HasReadable() is { } readable)
            {
                return readable;
            }

            // Announce the wait, then look once more: a change published before the announcement is seen now, one
            // published after it wakes the wait.
            wakeup.BeginWait();
            if (HasReadable() is { } late)
            {
                wakeup.CancelWait();
                return late;
            }

            wakeup.Wait();
        }
    }

    /// <summary>Called by the pump when it is done: releases the wake-up (an event where there is no futex).</summary>
    internal void ReleaseWakeup() => _wakeup?.Dispose();

    /// <summary>How often the pump was woken (0 for a reader nobody pumps).</summary>
    internal long Wakeups => _wakeup?.Wakes ?? 0;

    /// <summary>After a whole delivery (a poll's diff, a batch of notices): wakes the pump if it waits.</summary>
    internal void Flush()
    {
        // A delivery that queued nothing for this reader (its filter took none of the changes) wakes nobody.
        if (!_queuedSinceFlush)
        {
            return;
        }

        _queuedSinceFlush = false;
        _sinceWake = 0;
        _wakeup?.WakeIfWaiting();
    }

    /// <summary>Ends the stream with <paramref name="error"/> from the consumer's side: unsubscribes and drops the listing.</summary>
    internal void Fail(Exception error) => Close(error);

    internal bool Accepts(in TKey key) => _filter is null || _filter(key);

    void IChangeSubscriber.List(BpfMapSnapshot state)
    {
        if (state.Count > 0)
        {
            var listing = new BpfMapSnapshot(state.KeySize, state.ValueSize);
            listing.CopyFrom(state);
            _listing = listing;
            _queuedSinceFlush = true;
        }
    }

    void IChangeSubscriber.OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        if (_closed)
        {
            return;
        }

        TKey typedKey = MemoryMarshal.Read<TKey>(key);
        if (Accepts(typedKey))
        {
            Publish(new MapChange<TKey, TValue>(
                kind,
                typedKey,
                value.IsEmpty ? default : MemoryMarshal.Read<TValue>(value),
                previous.IsEmpty ? default : MemoryMarshal.Read<TValue>(previous)));
        }
    }

    /// <summary>Queues a change without waiting; called by the poller only, which calls <see cref="Flush"/> after the delivery.</summary>
    internal void Publish(in MapChange<TKey, TValue> change)
    {
        // A reader closed while a poll was delivering refuses writes; that is not a drop.
        if (!_buffer.Writer.TryWrite(change) && _dropsOnFailedWrite && !_closed)
        {
            CountDrop();
        }

        _queuedSinceFlush = true;
        if (_wakeup is not null && ++_sinceWake >= _wakeEvery)
        {
            // Half the buffer is waiting: a pump that waits reads it now, while the rest of the delivery comes in.
            _sinceWake = 0;
            _wakeup.WakeIfWaiting();
        }
    }

    void IChangeSubscriber.Flush() => Flush();

    void IChangeSubscriber.Complete(Exception? error) => Complete(error);

    internal void Complete(Exception? error)
    {
        _closed = true;
        _buffer.Writer.TryComplete(error);
        _wakeup?.Wake();
    }

    /// <summary>Whether the pump can read (<see langword="true"/>), the stream is over (<see langword="false"/>), or neither yet.</summary>
    private bool? HasReadable()
    {
        if (Volatile.Read(ref _listing) is not null || _buffer.Reader.TryPeek(out _))
        {
            return true;
        }

        return _buffer.Reader.Completion.IsCompleted ? false : null;
    }

    private void Close(Exception? error)
    {
        _closed = true;
        _owner.Unsubscribe(this);
        _buffer.Writer.TryComplete(error);
        lock (_listingLock)
        {
            // Nobody reads it now: a pump that was cancelled never comes back for it.
            _listing?.Dispose();
            Volatile.Write(ref _listing, null);
        }

        _wakeup?.Wake();
    }

    private void CountDrop()
    {
        Interlocked.Increment(ref _dropped);
        _owner.CountDrop();
    }

    private bool TryReadListing(out MapChange<TKey, TValue> item)
    {
        lock (_listingLock)
        {
            BpfMapSnapshot? listing = _listing;
            while (listing is not null && _listed < listing.Count)
            {
                int i = _listed++;
                TKey key = MemoryMarshal.Read<TKey>(listing.KeyAt(i));
                if (Accepts(key))
                {
                    item = new MapChange<TKey, TValue>(MapChangeKind.Added, key, MemoryMarshal.Read<TValue>(listing.ValueAt(i)), default);
                    return true;
                }
            }

            Volatile.Write(ref _listing, null);

            // Only this lock reads the listing, so its buffers can serve the next reader's listing (the snapshot pool).
            listing?.Dispose();
        }

        item = default;
        return false;
    }
}
