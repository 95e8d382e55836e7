namespace BpfChannels;

/// <summary>Full reads and their diff, and the subscribers every change is delivered to.</summary>
public abstract partial class MapChannel
{
    // Guards the state (_current) and the subscriber list; every change is delivered with it held, so a new
    // subscriber's listing and the changes after it neither overlap nor leave a gap.
    private protected readonly Lock _gate = new();

    /// <summary>
    /// Subscribes <paramref name="sink"/> on the channel's own thread, with no buffer and no thread hop: the cheapest way
    /// to watch a map. The current entries are delivered first, as <see cref="MapChangeKind.Added"/>, before this method
    /// returns; then every change, with its previous value, from the thread that finds it (a <see cref="Poll"/>'s caller,
    /// or the notifier's thread in <see cref="MapChannelMode.Notified"/> mode).
    /// </summary>
    /// <typeparam name="TSink">The handler's type; a struct handler is copied into the subscription and called without boxing, so a delivered change allocates nothing.</typeparam>
    /// <param name="sink">Receives each change as key and value bytes (<see cref="KeySize"/>, <see cref="StateValueSize"/>), valid only during the call.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is <see langword="null"/>.</exception>
    /// <exception cref="BpfException">Listing a map whose polls were skipped while nobody listened failed.</exception>
    /// <remarks>
    /// The handler runs on the channel's thread, with the channel's state locked: it must be quick and must not wait
    /// for anything, since the next change (and every other subscriber) waits for it. Calls never overlap. A handler
    /// that throws is unsubscribed (the exception goes nowhere else) and the channel goes on; one that throws during
    /// the listing is not subscribed, and the exception leaves this method. Nothing is called after the channel completes.
    /// </remarks>
    public IDisposable SubscribeBytes<TSink>(TSink sink)
        where TSink : ISnapshotChangeSink
    {
        ArgumentNullException.ThrowIfNull(sink);
        return AddSubscriber(new SinkSubscription<TSink>(this, sink));
    }

    /// <summary>Completes every subscriber's stream (with <paramref name="error"/> if given) and the write side; pending
    /// writes are still applied and their outcomes reported. Later subscribers complete immediately.</summary>
    /// <param name="error">The error to complete the streams with, or <see langword="null"/> for a normal completion.</param>
    /// <returns>A task that completes when every queued write has its outcome.</returns>
    public Task CompleteAsync(Exception? error = null)
    {
        IChangeSubscriber[] subscribers;
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
        foreach (IChangeSubscriber subscriber in subscribers)
        {
            subscriber.Complete(error);
        }

        return CompleteWrites();
    }

    /// <summary>Completes the writer, if the channel has one; the task completes when every queued write has its outcome.</summary>
    private protected virtual Task CompleteWrites() => Task.CompletedTask;

    /// <summary>
    /// Adds <paramref name="subscriber"/> after it has taken the current state (<see cref="IChangeSubscriber.List"/>),
    /// reading the map first when polls were skipped while nobody listened.
    /// </summary>
    private protected T AddSubscriber<T>(T subscriber)
        where T : IChangeSubscriber
    {
        // Under the poll lock, so no poll or batch of notices runs between the look at the state's freshness and the
        // subscriber joining: one that ran there would find nobody listening, mark the state stale after this look, and
        // its changes would reach neither the listing nor the subscriber (a notified channel might not read again for
        // a whole reconcile interval).
        lock (_pollLock)
        {
            // A map that went away is not read: the listing is its last state, and whoever reopens it re-lists.
            if (Volatile.Read(ref _stale) && !Volatile.Read(ref _completed) && HasMap && !Map.IsDisposed)
            {
                // Polls were skipped while nobody listened: list what the map holds now, not what it held then.
                _ = PollCore(force: true);
            }

            lock (_gate)
            {
                subscriber.List(_current);
                if (_completed)
                {
                    subscriber.Complete(_completion);
                }
                else
                {
                    _subscribers = [.. _subscribers, subscriber];
                }

                return subscriber;
            }
        }
    }

    internal void Unsubscribe(IChangeSubscriber subscriber)
    {
        lock (_gate)
        {
            int i = Array.IndexOf(_subscribers, subscriber);
            if (i >= 0)
            {
                _subscribers = [.. _subscribers.AsSpan(0, i), .. _subscribers.AsSpan(i + 1)];
            }
        }
    }

    internal void CountDrop() => Interlocked.Increment(ref _dropped);

    /// <summary>The state, for the typed views (<see cref="MapChannel{TKey, TValue}.TryGet"/>); read it with <see cref="_gate"/> held.</summary>
    private protected BpfMapSnapshot State => _current;

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

            // One read of the options for the whole poll (Reconfigure publishes them under this lock as well).
            MapChannelOptions options = Options;
            if (!force && !options.PollWhenUnobserved && SubscriberCount == 0)
            {
                // Skipped: the state is now older than the interval promises, so the next subscriber reads first.
                Volatile.Write(ref _stale, true);
                return new MapPollResult(false, _current.Count, 0, _current.Strategy);
            }

            Volatile.Write(ref _stale, false);

            // Only polls touch _next, so the syscalls run outside _gate; a failed read leaves the state as it was.
            BpfMapReadStrategy strategy = options.ReadStrategy;
            if (_projection is null)
            {
                map.ReadSnapshot(_next, strategy);
            }
            else
            {
                map.ReadSnapshot(_raw!, strategy);
                _projection.Project(_raw!, _next);
            }

            IChangeSubscriber[] delivered;
            lock (_gate)
            {
                var sink = new PublishingSink(this);
                int changes = SnapshotDiff.Compare(_current, _next, ref sink);
                (_current, _next) = (_next, _current);
                Interlocked.Increment(ref _polls);
                result = new MapPollResult(true, _current.Count, changes, _current.Strategy);
                CountReconciled(result.Changes, _relistPending);
                delivered = Delivered(changes);
            }

            Flush(delivered);
            AfterFullRead();

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

    /// <summary>Counts a delivery's changes; returns the subscribers to flush after it (none when nothing changed). The caller holds <see cref="_gate"/>.</summary>
    private IChangeSubscriber[] Delivered(int changes)
    {
        Interlocked.Add(ref _changes, changes);
        return changes > 0 ? _subscribers : [];
    }

    /// <summary>Delivers one change to every subscriber; the caller holds <see cref="_gate"/>.</summary>
    private void Publish(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        foreach (IChangeSubscriber subscriber in _subscribers)
        {
            try
            {
                subscriber.OnChange(kind, key, value, previous);
            }
            catch (Exception ex)
            {
                // A throwing handler or key filter ends its own subscription, not the poll.
                Unsubscribe(subscriber);
                subscriber.Complete(ex);
            }
        }
    }

    /// <summary>
    /// After a delivery, outside the state lock: the subscribers wake their consumers once for all its changes (a pumped
    /// reader also every half buffer during the delivery), and the woken thread (an <c>Observe</c> pump) finds no state
    /// lock held. The poll lock still is, but no pump takes it.
    /// </summary>
    private static void Flush(IChangeSubscriber[] subscribers)
    {
        foreach (IChangeSubscriber subscriber in subscribers)
        {
            subscriber.Flush();
        }
    }

    /// <summary>Hands the diff's changes to the subscribers.</summary>
    private readonly struct PublishingSink(MapChannel channel) : ISnapshotChangeSink
    {
        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
            => channel.Publish(kind, key, value, previous);
    }
}
