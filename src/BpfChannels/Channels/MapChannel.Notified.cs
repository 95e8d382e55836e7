using System.Runtime.CompilerServices;

namespace BpfChannels;

/// <summary>
/// Notified mode (<see cref="MapChannelMode.Notified"/>): the map's programs say which keys they changed, the channel
/// looks up just those keys and delivers what differs from its state; a reconciliation (a full read and diff, as a
/// poll does) runs when <see cref="MapChannelOptions.ReconcileInterval"/> has passed without one, and at once when the
/// program lost notices. Writes through the channel's own writer update the state as soon as each one is applied.
/// </summary>
public abstract partial class MapChannel : INotifiedChannel
{
    private readonly TimeProvider _time;
    private INotifierLink? _notifier;
    private StrongBox<uint>? _noticeTag;
    private BpfMapSnapshot? _noticeKeys;
    private BpfMapSnapshot? _writeKeys;
    private BpfMapSnapshot? _projectedKeys;
    private ITimer? _reconcileTimer;
    private bool[] _found = [];
    private long _reconciled;
    private long _noticed;
    private bool _listed;
    private volatile bool _reconcileNow;

    /// <summary>How the channel finds changes now (<see cref="MapChannelOptions.Mode"/>).</summary>
    public MapChannelMode Mode => Options.Mode;

    /// <summary>
    /// The number of changes found only by full reads of a notified channel (<see cref="MapChannelMode.Notified"/>) after
    /// its first listing: writes the change notices did not report (user space, programs that do not use the wrappers,
    /// notices lost to a full ring). Zero for a polled channel, and for a notified map whose writers all notify.
    /// </summary>
    public long ReconciledChanges => Interlocked.Read(ref _reconciled);

    /// <summary>The number of change notices for this channel's map that the channel handled (before coalescing).</summary>
    public long Notices => Interlocked.Read(ref _noticed);

    /// <summary>The tag the channel's notices carry: <see cref="MapChannelOptions.NoticeTag"/>, else <see cref="MapChangeNotifier.Tag"/> of the map's name; <see langword="null"/> while it is not notified or has no map.</summary>
    public uint? NoticeTag => Volatile.Read(ref _noticeTag)?.Value;

    bool INotifiedChannel.ReconcileWanted => _reconcileNow && HasMap && !Volatile.Read(ref _completed);

    void INotifiedChannel.OnNotice(byte kind, ReadOnlySpan<byte> key)
    {
        Interlocked.Increment(ref _noticed);
        if (key.Length != _current.KeySize || kind is < 1 or > 3 || _noticeKeys is not { } keys)
        {
            // Not a notice this channel can use (a tag shared with a map of another key size): read everything instead.
            _reconcileNow = true;
            return;
        }

        _ = NotifiedSnapshotEdits.Include(keys, key);
    }

    void INotifiedChannel.ApplyNotices()
    {
        if (_noticeKeys is { Count: > 0 } keys)
        {
            lock (_pollLock)
            {
                ApplyKeys(keys);
            }
        }
    }

    void INotifiedChannel.OnNoticesLost()
    {
        _reconcileNow = true;
        Reconcile();
    }

    void INotifiedChannel.Reconcile() => Reconcile();

    /// <summary>When notified mode starts: the typed channel's writer reports its applied writes (<see cref="ApplyOwnWrite"/>).</summary>
    private protected virtual void OnNotifiedModeStarted()
    {
    }

    /// <summary>Makes <paramref name="options"/> the options in effect and sets up or tears down notified mode for them (at creation and on <see cref="Reconfigure"/>).</summary>
    private protected void ConfigureNotifications(MapChannelOptions options)
    {
        INotifierLink? wanted = options.Mode == MapChannelMode.Notified ? options.ChangeNotifier : null;
        INotifierLink? previous;
        lock (_pollLock)
        {
            Volatile.Write(ref _options, options);
            previous = _notifier;

            uint? tag = wanted is not null && HasMap ? NoticeTagFor(options, Map) : null;
            bool retag = tag != NoticeTag;
            if (retag)
            {
                // Read by the notifier's thread: the box is published whole, never seen before its value.
                Volatile.Write(ref _noticeTag, tag is { } value ? new StrongBox<uint>(value) : null);
            }

            if (ReferenceEquals(previous, wanted))
            {
                RestartReconcileTimer();
                if (retag)
                {
                    previous?.Retag();
                }

                return;
            }

            if (wanted is not null && _noticeKeys is null)
            {
                int rawValueSize = _raw?.ValueSize ?? _current.ValueSize;
                _noticeKeys = new BpfMapSnapshot(_current.KeySize, rawValueSize);
                _writeKeys = new BpfMapSnapshot(_current.KeySize, rawValueSize);
                _projectedKeys = _projection is null ? null : new BpfMapSnapshot(_current.KeySize, _current.ValueSize);
                OnNotifiedModeStarted();
            }

            Volatile.Write(ref _notifier, wanted);
            if (wanted is null)
            {
                _reconcileTimer?.Dispose();
                _reconcileTimer = null;
            }
            else
            {
                // The first reconciliation is an interval away: the listing is the first reader's (below) or the first poll's.
                _reconcileTimer ??= _time.CreateTimer(static state => ((MapChannel)state!).OnReconcileDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                RestartReconcileTimer();
                if (HasMap && !_listed)
                {
                    // The first reader lists the map before it watches, as with a polled channel that has not polled yet.
                    Volatile.Write(ref _stale, true);
                }
            }
        }

        previous?.Detach(this);
        wanted?.Attach(this);
    }

    /// <summary>After <see cref="Bind"/>: notices now name the new map, and the new map is read at once (the re-list).</summary>
    private void OnNotifiedMapBound(BpfMap map)
    {
        if (Volatile.Read(ref _notifier) is not { } notifier)
        {
            return;
        }

        Volatile.Write(ref _noticeTag, new StrongBox<uint>(NoticeTagFor(Options, map)));
        _reconcileNow = true;
        notifier.Retag();
    }

    /// <summary>The tag notices for <paramref name="map"/> carry under <paramref name="options"/>: the explicit one, else the map name's.</summary>
    private static uint NoticeTagFor(MapChannelOptions options, BpfMap map) => options.NoticeTag ?? NotifiedChannels.Tag(map.Name);

    private void DetachNotifications()
    {
        Interlocked.Exchange(ref _notifier, null)?.Detach(this);
        lock (_pollLock)
        {
            _reconcileTimer?.Dispose();
            _reconcileTimer = null;
        }
    }

    /// <summary>The reconcile interval passed without a full read: the notifier's thread reconciles when it wakes.</summary>
    private void OnReconcileDue()
    {
        _reconcileNow = true;
        Volatile.Read(ref _notifier)?.Wake();
    }

    private void RestartReconcileTimer() => _reconcileTimer?.Change(Options.ReconcileInterval, Timeout.InfiniteTimeSpan);

    /// <summary>Within a full read's state lock: counts what the read found that the notices did not say.</summary>
    /// <remarks>Inside the state lock, so whoever sees the new state also sees what reconciliation counted in it.</remarks>
    private void CountReconciled(int changes, bool relist)
    {
        if (_notifier is not null && _listed && !relist)
        {
            // Only what the notices did not say: writes from user space, programs without the wrappers, lost notices.
            Interlocked.Add(ref _reconciled, changes);
        }
    }

    /// <summary>After every full read (poll or reconciliation), with the poll lock held but not the state lock: a timer's
    /// change takes the timer queue's lock, which subscribers and readers of the state need not wait for.</summary>
    private void AfterFullRead()
    {
        RestartReconcileTimer();
        _reconcileNow = false;
        _listed = true;
    }

    private void Reconcile()
    {
        if (!HasMap || Volatile.Read(ref _completed))
        {
            return;
        }

        _reconcileNow = false;
        bool read = false;
        try
        {
            read = PollCore(force: false).Polled;
        }
        finally
        {
            // A full read restarted the timer itself; a failed read is retried after the interval, not in a loop, and a
            // skipped one (nobody listens) likewise.
            if (!read)
            {
                lock (_pollLock)
                {
                    RestartReconcileTimer();
                }
            }
        }
    }

    /// <summary>A write through the channel's writer was applied: its key's state is read back and delivered now.</summary>
    private protected void ApplyOwnWrite(ReadOnlySpan<byte> key)
    {
        if (_writeKeys is not { } keys || Volatile.Read(ref _notifier) is null)
        {
            return;
        }

        lock (_pollLock)
        {
            _ = NotifiedSnapshotEdits.Include(keys, key);
            ApplyKeys(keys);
        }
    }

    /// <summary>Looks up every key of <paramref name="keys"/> and delivers the differences from the state; empties <paramref name="keys"/>.</summary>
    /// <remarks>The caller holds the poll lock, so no full read runs meanwhile. A key whose value did not change delivers nothing.</remarks>
    private void ApplyKeys(BpfMapSnapshot keys)
    {
        try
        {
            if (Volatile.Read(ref _completed) || !HasMap || Volatile.Read(ref _stale))
            {
                return; // a stale state is listed again before anyone reads it
            }

            if (!IsObserved)
            {
                Volatile.Write(ref _stale, true); // as a skipped poll: the next subscriber lists first
                return;
            }

            int count = keys.Count;
            if (_found.Length < count)
            {
                _found = new bool[Math.Max(count, _found.Length * 2)];
            }

            BpfMap map = Map;
            for (int i = 0; i < count; i++)
            {
                _found[i] = map.TryLookup(keys.KeyAt(i), keys.ValueSlot(i));
            }

            BpfMapSnapshot values = keys;
            if (_projection is not null)
            {
                _projection.Project(keys, _projectedKeys!);
                values = _projectedKeys!;
            }

            int changes = 0;
            IChangeSubscriber[] delivered;
            lock (_gate)
            {
                for (int i = 0; i < count; i++)
                {
                    changes += ApplyOne(keys.KeyAt(i), _found[i], values.ValueAt(i));
                }

                delivered = Delivered(changes);
            }

            Flush(delivered);
        }
        finally
        {
            keys.Reset(0);
        }
    }

    private int ApplyOne(ReadOnlySpan<byte> key, bool found, ReadOnlySpan<byte> value)
    {
        int entry = _current.IndexOf(key);
        if (!found)
        {
            if (entry < 0)
            {
                return 0;
            }

            Publish(MapChangeKind.Removed, key, default, _current.ValueAt(entry));
            NotifiedSnapshotEdits.RemoveAt(_current, entry);
            return 1;
        }

        if (entry < 0)
        {
            Publish(MapChangeKind.Added, key, value, default);
            value.CopyTo(_current.ValueSlot(NotifiedSnapshotEdits.Append(_current, key)));
            return 1;
        }

        if (value.SequenceEqual(_current.ValueAt(entry)))
        {
            return 0;
        }

        Publish(MapChangeKind.Updated, key, value, _current.ValueAt(entry));
        value.CopyTo(_current.ValueSlot(entry));
        return 1;
    }
}
