using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace BpfChannels.Tool;

/// <summary>
/// The state of a watch: a byte-level <see cref="MapChannel"/> over the map (<see cref="MapChannel.Create"/>), polled
/// every interval or notified by the map's programs, the changes it delivered since the last report, and per-key history.
/// </summary>
/// <remarks>
/// The channel's inline handler runs on the thread that finds a change: the poll's caller, or the notifier's thread.
/// A polled watch with line or JSON output polls on its own thread, so the handler writes each change as the channel
/// hands it over, with nothing copied; otherwise (the live table, or a notified watch) the handler queues a copy and
/// <see cref="Report"/> formats the queued changes on the watch's own thread.
/// </remarks>
internal sealed class MapWatch : IDisposable
{
    private readonly EntryFormat _format;
    private readonly string? _filter;
    private readonly bool _sum;
    private readonly MapChannel _channel;
    private readonly MapChangeNotifier? _notifier;
    private readonly ConcurrentQueue<Change> _changes = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly IDisposable _subscription;
    private readonly BpfMapSnapshot _state;
    private readonly ISnapshotChangeSink? _output;
    private readonly bool _subscribing; // true only while the constructor subscribes (the listing)
    private bool _stateStale = true;
    private int _listing;
    private ExceptionDispatchInfo? _outputFailure;

    /// <summary>Starts watching: reads the map (the listing), then follows it polled, or notified through <paramref name="notifier"/>.</summary>
    /// <param name="map">The map; the caller disposes it after the watch.</param>
    /// <param name="format">How keys and values are shown (and matched by the filter).</param>
    /// <param name="filter">Only entries whose text contains this, or <see langword="null"/>.</param>
    /// <param name="sum">Whether per-CPU values are shown with their sum.</param>
    /// <param name="notifier">The change ring's reader when the map's programs publish notices; the watch disposes it.</param>
    /// <param name="reconcileInterval">In notified mode, how often the whole map is read anyway (writes that sent no notice).</param>
    /// <param name="output">
    /// Where a polled watch writes the listing and each change the filter lets through, as the channel finds it (line and
    /// JSON output; <see cref="Report"/> then has nothing to do), or <see langword="null"/> to queue them for
    /// <see cref="Report"/> and keep each key's history (the live table). A notified watch always queues: its changes
    /// arrive on the notifier's thread.
    /// </param>
    public MapWatch(BpfMap map, EntryFormat format, string? filter, bool sum, MapChangeNotifier? notifier, TimeSpan reconcileInterval, ISnapshotChangeSink? output = null)
    {
        _format = format;
        _filter = filter;
        _sum = sum;
        _notifier = notifier;
        _output = notifier is null ? output : null;
        var options = new MapChannelOptions
        {
            ReadStrategy = MapDumpCommand.ReadStrategy(map),
            PollWhenUnobserved = true,
            Mode = notifier is null ? MapChannelMode.Polled : MapChannelMode.Notified,
            ChangeNotifier = notifier,
            ReconcileInterval = reconcileInterval,
        };
        _channel = MapChannel.Create(map, options);
        _state = new BpfMapSnapshot(_channel.KeySize, _channel.StateValueSize);
        long start = Stopwatch.GetTimestamp();
        if (notifier is null)
        {
            _ = _channel.Poll(); // the listing; a notified channel lists when the handler subscribes
        }

        _subscribing = true;
        _subscription = _channel.SubscribeBytes(new Handler(this));
        _subscribing = false;
        if (_outputFailure is { } failure)
        {
            Dispose();
            failure.Throw();
        }

        LastPollDuration = Stopwatch.GetElapsedTime(start);
        Polls = 1;
        _listing = _changes.Count; // delivered during SubscribeBytes, before any change
    }

    public EntryFormat Format => _format;

    public bool Sum => _sum;

    /// <summary>Whether the map's programs notify the watch of their changes (<see cref="MapChannelMode.Notified"/>).</summary>
    public bool IsNotified => _notifier is not null;

    /// <summary>The state as of the last report, copied from the channel when first asked for after it (only the live table asks).</summary>
    public BpfMapSnapshot Current
    {
        get
        {
            if (_stateStale)
            {
                _channel.CopyStateTo(_state);
                _stateStale = false;
            }

            return _state;
        }
    }

    /// <summary>Changes reported so far (after the initial listing), counting only those the filter lets through.</summary>
    public long Changes { get; private set; }

    public long Polls { get; private set; }

    public TimeSpan LastPollDuration { get; private set; }

    /// <summary>Per key (hex): when it last changed, how it changed and how many times (kept when changes are queued, for the live table).</summary>
    public Dictionary<string, KeyHistory> History { get; } = new(StringComparer.Ordinal);

    /// <summary>How many current entries the filter lets through.</summary>
    public int Matching()
    {
        int matching = 0;
        BpfMapSnapshot state = Current;
        for (int i = 0; i < state.Count; i++)
        {
            matching += Matches(state.KeyAt(i), state.ValueAt(i)) ? 1 : 0;
        }

        return matching;
    }

    /// <summary>
    /// Waits for the next changes: a polled watch waits for <paramref name="timer"/>'s tick and reads the whole map; a
    /// notified one waits until changes arrive, or an interval passes (the channel reconciles on its own).
    /// </summary>
    public async Task NextAsync(PeriodicTimer timer, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (IsNotified)
        {
            _ = await _arrived.WaitAsync(interval, cancellationToken).ConfigureAwait(false);
            return;
        }

        _ = await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        Poll();
    }

    private void Poll()
    {
        long start = Stopwatch.GetTimestamp();
        _ = _channel.Poll();
        _outputFailure?.Throw();
        LastPollDuration = Stopwatch.GetElapsedTime(start);
        Polls++;
    }

    /// <summary>Reports the changes delivered since the last report to <paramref name="sink"/> (the listing, as Added, for the first).</summary>
    public int Report<TSink>(ref TSink sink, bool initial)
        where TSink : struct, ISnapshotChangeSink
    {
        int reported = 0;
        while ((!initial || _listing > 0) && _changes.TryDequeue(out Change change))
        {
            bool listed = _listing > 0;
            _listing -= listed ? 1 : 0;
            // The listing goes to the first report only; a live table, which never asks for it, just records it.
            if (Record(change, listed) && (initial || !listed))
            {
                sink.OnChange(change.Kind, change.Key, change.Value, change.Previous);
                reported++;
            }
        }

        // A copy of the whole map costs O(entries) under the channel's lock: only the live table reads it, once a redraw.
        _stateStale = true;
        return reported;
    }

    public bool Matches(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        _filter is null || _format.Text(key, value, _sum && !value.IsEmpty).Contains(_filter, StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        _subscription.Dispose();
        _channel.CompleteAsync().GetAwaiter().GetResult();
        _notifier?.Dispose();
        _arrived.Dispose();
    }

    /// <summary>Updates the history for one change the filter lets through; returns whether it does.</summary>
    private bool Record(Change change, bool listed)
    {
        if (!Matches(change.Key, change.Value.Length == 0 ? change.Previous : change.Value))
        {
            return false;
        }

        DateTime now = DateTime.Now;
        string id = Convert.ToHexString(change.Key);
        if (!History.TryGetValue(id, out KeyHistory? history))
        {
            History[id] = history = new KeyHistory { FirstSeen = now };
        }

        if (!listed)
        {
            history.LastChange = now;
            history.LastKind = change.Kind;
            history.Count++;
            Changes++;
        }

        return true;
    }

    internal sealed class KeyHistory
    {
        public DateTime LastChange { get; set; }

        public MapChangeKind LastKind { get; set; }

        public long Count { get; set; }

        public DateTime FirstSeen { get; init; }
    }

    /// <summary>One change from the channel, on the thread that found it: written out at once, or copied and queued.</summary>
    private void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        if (_output is { } output)
        {
            // Polled: inside SubscribeBytes (the listing) or Poll, both on the watch's own thread. The channel ends a
            // subscription whose handler throws without telling anyone, so a failed write is kept and rethrown by the
            // caller of SubscribeBytes or Poll, and nothing more is written after it.
            if (_outputFailure is null && Matches(key, value.IsEmpty ? previous : value))
            {
                try
                {
                    output.OnChange(kind, key, value, previous);
                    Changes += _subscribing ? 0 : 1;
                }
                catch (Exception e)
                {
                    _outputFailure = ExceptionDispatchInfo.Capture(e);
                }
            }

            return;
        }

        // Off the channel's thread later: the spans live only during the call.
        _changes.Enqueue(new Change(kind, key.ToArray(), value.ToArray(), previous.ToArray()));
        if (_arrived.CurrentCount == 0)
        {
            _ = _arrived.Release(); // the reporting side drains everything queued, however many releases it sees
        }
    }

    private readonly record struct Change(MapChangeKind Kind, byte[] Key, byte[] Value, byte[] Previous);

    private readonly struct Handler(MapWatch watch) : ISnapshotChangeSink
    {
        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous) =>
            watch.OnChange(kind, key, value, previous);
    }
}
