using Microsoft.Extensions.Logging;

namespace BpfChannels.Hosting;

/// <summary>
/// One hosted map channel and its map's life, like an informer that re-lists: it waits for a map that is not there
/// yet, follows a pin that comes to name another map, reopens a map that went away, and says at every step what it
/// is doing (<see cref="Read"/>, for health).
/// </summary>
/// <remarks>
/// <see cref="Step"/> runs on the channel's own polling thread only; <see cref="Read"/> and the counters are safe from
/// any thread (a lock guards what health reads).
/// </remarks>
internal sealed class HostedMapChannel
{
    private readonly MapChannelRegistration _registration;
    private readonly MapLocator _locator;
    private readonly BpfChannelsMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private HostedMapChannelPhase _phase;
    private DateTimeOffset _lastSuccess;
    private DateTimeOffset _lastStep;
    private DateTimeOffset _nextPinCheck;
    private int _attempts;
    private string? _problem;
    private Exception? _lastError;
    private string _source = string.Empty;
    private string? _pinPath;
    private string? _pinNote;
    private BpfMap? _owned;
    private uint _mapId;
    private readonly HostedChangeNotifiers _notifiers;
    private readonly Lock _notifierLock = new();
    private object? _notifier;
    private BpfMapChannelOptions? _reconfigured; // the newest options Reconfigure applied, under _notifierLock

    public HostedMapChannel(MapChannelRegistration registration, MapChannel channel, MapLocator locator, TimeProvider time, BpfChannelsMetrics? metrics, ILogger logger, HostedChangeNotifiers notifiers)
    {
        _notifiers = notifiers;
        _registration = registration;
        Channel = channel;
        _locator = locator;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _lastSuccess = _lastStep = time.GetUtcNow();
        channel.Relisted += (_, e) =>
        {
            _metrics?.Relisted(Name);
            Log.Relisted(_logger, Name, e.PreviousMapId, e.MapId, e.Changes);
        };
    }

    /// <summary>The registered name (the map's own name may differ, or be truncated by the kernel).</summary>
    public string Name => _registration.Name;

    public MapChannel Channel { get; }

    /// <summary>Raised on the polling thread after every step (with its failure, if any), once the next one is scheduled.</summary>
    public event Action<HostedMapChannel, Exception?>? StepFinished;

    /// <summary>When the last step ran (for rescheduling after a reload).</summary>
    public DateTimeOffset LastStep => _lastStep;

    /// <summary>What health needs, read together.</summary>
    public HostedMapChannelStatus Read()
    {
        lock (_lock)
        {
            return new HostedMapChannelStatus(_phase, _attempts, _problem, _lastError, _lastSuccess, _source, _mapId, _pinNote);
        }
    }

    /// <summary>The first look for the map, at start-up.</summary>
    /// <exception cref="InvalidOperationException">The map is missing and the channel is <see cref="BpfMapChannelOptions.Required"/>, or it has no way to get a map.</exception>
    public void Open(BpfChannelsOptions options)
    {
        _pinPath = options.GetPinPath(Name);
        MapLookup lookup = _locator.Find(Name, _registration.MapFactory, _pinPath);
        if (lookup.Map is null)
        {
            if (options.GetMap(Name).Required)
            {
                throw new InvalidOperationException($"Map channel '{Name}' is Required and its map is missing: {lookup.Missing}.");
            }

            SetPhase(HostedMapChannelPhase.Waiting, lookup.Missing, null, attempts: 0);
            return;
        }

        Attach(lookup, options);
    }

    /// <summary>Runs one step of the channel's life at <paramref name="now"/> and returns when the next is due.</summary>
    public DateTimeOffset Step(BpfChannelsOptions options, DateTimeOffset now)
    {
        _lastStep = now;
        Exception? error = null;
        DateTimeOffset next;
        try
        {
            next = StepCore(options, now, out error);
        }
        catch (Exception e)
        {
            // Nothing a step meets may end the loop; it is recorded and retried like a failed poll.
            error = e;
            next = Fail(options, now, e);
        }

        StepFinished?.Invoke(this, error);
        return next;
    }

    /// <summary>When the next step is due after options changed: the new interval from the last step, while polling.</summary>
    public DateTimeOffset Reschedule(BpfChannelsOptions options, DateTimeOffset due)
        => Read().Phase == HostedMapChannelPhase.Polling ? _lastStep + options.GetPollInterval(Name) : due;

    /// <summary>Applies reloaded options to the channel itself (what the next steps read comes from the options they are given).</summary>
    /// <remarks>Runs on the thread that reloaded the options, serialized with the polling thread's change of notifier.</remarks>
    public void Reconfigure(BpfChannelsOptions options)
    {
        bool restart;
        lock (_notifierLock)
        {
            BpfMapChannelOptions map = options.GetMap(Name);
            restart = Channel.Reconfigure(map.Effective(_notifier, _time));
            _reconfigured = map;
        }

        if (restart)
        {
            Log.WriteOptionsNeedRestart(_logger, Name);
        }
    }

    /// <summary>Disposes the map this channel opened from a pin and gives back its change notifier (the channel is completed).</summary>
    public void DisposeOwnedMap()
    {
        UseNotifier(null, options: null);
        BpfMap? owned;
        lock (_lock)
        {
            owned = _owned;
            _owned = null;
        }

        owned?.Dispose();
    }

    private DateTimeOffset StepCore(BpfChannelsOptions options, DateTimeOffset now, out Exception? error)
    {
        error = null;
        TimeSpan interval = options.GetPollInterval(Name);
        HostedMapChannelPhase phase = Read().Phase;
        if (phase == HostedMapChannelPhase.Stopped || Channel.IsCompleted)
        {
            // A completed channel reads no notices any more: its ring's notifier may go once its other channels let go.
            UseNotifier(null, options: null);
            SetPhase(HostedMapChannelPhase.Stopped, null, null, 0);
            return DateTimeOffset.MaxValue;
        }

        if (phase is HostedMapChannelPhase.Waiting or HostedMapChannelPhase.Reopening)
        {
            _pinPath = options.GetPinPath(Name);
            MapLookup lookup = Find();
            if (lookup.Map is null || !Attach(lookup, options))
            {
                int attempts = Read().Attempts + 1;
                TimeSpan retry = BpfChannelsPollingService.Backoff(interval, attempts, options.MaxRetryDelay);
                string problem = lookup.Missing ?? Read().Problem ?? "the map could not be used";
                SetPhase(phase, problem, null, attempts);
                Log.WaitingForMap(_logger, Name, problem, attempts, retry);
                return now + retry;
            }
        }
        else if (_owned is not null && (now >= _nextPinCheck || options.GetPinPath(Name) != _pinPath))
        {
            CheckPin(options, now);
        }

        if (Channel.Map.IsDisposed)
        {
            return MapGone(options, now, $"map {_mapId} from {_source} was disposed");
        }

        long started = _time.GetTimestamp();
        MapPollResult result;
        try
        {
            result = Channel.Poll();
        }
        catch (ObjectDisposedException)
        {
            return MapGone(options, now, $"map {_mapId} from {_source} was disposed");
        }
        catch (InvalidOperationException) when (Channel.IsCompleted)
        {
            SetPhase(HostedMapChannelPhase.Stopped, null, null, 0);
            return DateTimeOffset.MaxValue;
        }
        catch (Exception e)
        {
            error = e;
            return Fail(options, now, e);
        }

        if (result.Polled)
        {
            _metrics?.Polled(Name, _time.GetElapsedTime(started), result.Changes);
        }

        int ended;
        lock (_lock)
        {
            ended = _phase == HostedMapChannelPhase.Failing ? _attempts : 0;
            _phase = HostedMapChannelPhase.Polling;
            _attempts = 0;
            _problem = null;
            _lastError = null;
            _lastSuccess = now;
        }

        if (ended > 0)
        {
            Log.PollRecovered(_logger, Name, ended);
        }

        return now + interval;
    }

    /// <summary>Looks for the map; a factory, source or pin that throws is one more missing-map attempt, with its message.</summary>
    private MapLookup Find()
    {
        try
        {
            return _locator.Find(Name, _registration.MapFactory, _pinPath);
        }
        catch (Exception e)
        {
            return MapLookup.NotFound(e.Message);
        }
    }

    /// <summary>Gives the channel the map found; <see langword="false"/> (with the reason recorded) when it does not fit.</summary>
    private bool Attach(MapLookup lookup, BpfChannelsOptions options)
    {
        BpfMap map = lookup.Map!;
        try
        {
            Channel.Bind(map);
        }
        catch (ArgumentException e)
        {
            if (lookup.Owned)
            {
                map.Dispose();
            }

            lock (_lock)
            {
                _problem = e.Message;
            }

            return false;
        }

        BpfMap? previous;
        uint id = map.Id;
        lock (_lock)
        {
            previous = _owned;
            _owned = lookup.Owned ? map : null;
            _source = lookup.Source;
            _mapId = id;
            _pinNote = null;
            _phase = HostedMapChannelPhase.Polling;
            _attempts = 0;
            _problem = null;
            _lastError = null;
            _lastSuccess = _time.GetUtcNow();
        }

        _nextPinCheck = _time.GetUtcNow() + options.PinCheckInterval;
        if (!ReferenceEquals(previous, map))
        {
            previous?.Dispose();
        }

        Log.ChannelOpened(_logger, Name, id, lookup.Source, options.GetPollInterval(Name));
        Notify(options);
        return true;
    }

    /// <summary>
    /// For a notified channel, finds the change ring (and its lost counter) the way maps are found and switches the
    /// channel to it; a channel whose ring cannot be used runs polled, at its reconcile interval, and says why.
    /// </summary>
    private void Notify(BpfChannelsOptions options)
    {
        BpfMapChannelOptions map = options.GetMap(Name);
        object? notifier = null;
        if (map.IsNotified)
        {
            try
            {
                MapLookup ring = _locator.FindBeside(Channel.Map, map.ChangeRing);
                MapLookup lost = _locator.FindBeside(Channel.Map, map.ChangeLostCounter);
                if (ring.Map is null || lost.Map is null)
                {
                    Log.NotifiedFallback(_logger, Name, ring.Missing ?? lost.Missing ?? "the change ring is missing", null);
                }
                else
                {
                    notifier = _notifiers.Acquire(ring.Map, lost.Map);
                    Log.ChannelNotified(_logger, Name, map.ChangeRing, options.GetPollInterval(Name));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or BpfException or PlatformNotSupportedException)
            {
                Log.NotifiedFallback(_logger, Name, e.Message, e);
            }
        }

        UseNotifier(notifier, map);
    }

    /// <summary>
    /// Switches the channel to <paramref name="notifier"/> (acquired for it; <see langword="null"/> for none) with
    /// <paramref name="options"/> (none: the channel is completed and only lets go), then releases the one it used: only
    /// once the channel no longer calls into it, so no channel ever uses a disposed notifier. Options that
    /// <see cref="Reconfigure"/> applied meanwhile are newer than those the polling thread read before it, so they win.
    /// </summary>
    private void UseNotifier(object? notifier, BpfMapChannelOptions? options)
    {
        object? previous;
        lock (_notifierLock)
        {
            previous = _notifier;
            try
            {
                if (options is not null)
                {
                    _ = Channel.Reconfigure((_reconfigured ?? options).Effective(notifier, _time));
                }
            }
            catch
            {
                // Nothing was applied: the channel goes on with the notifier it had.
                if (notifier is not null)
                {
                    _notifiers.Release(notifier);
                }

                throw;
            }

            _notifier = notifier;
        }

        if (previous is not null)
        {
            _notifiers.Release(previous);
        }
    }

    /// <summary>Reopens the pin and compares map ids: a pin that names another map is followed (the channel re-lists).</summary>
    private void CheckPin(BpfChannelsOptions options, DateTimeOffset now)
    {
        _nextPinCheck = now + options.PinCheckInterval;
        _pinPath = options.GetPinPath(Name);
        MapLookup lookup = _pinPath is null ? MapLookup.NotFound("no pin path is configured any more") : _locator.Find(Name, null, _pinPath);
        if (lookup.Map is null)
        {
            bool first;
            lock (_lock)
            {
                first = _pinNote is null;
                _pinNote = $"{lookup.Missing}; still reading map {_mapId}, which it named";
            }

            if (first)
            {
                Log.PinRemoved(_logger, Name, _pinPath ?? _source, _mapId);
            }

            return;
        }

        if (lookup.Map.Id == _mapId)
        {
            lookup.Map.Dispose();
            lock (_lock)
            {
                _pinNote = null;
            }

            return;
        }

        _ = Attach(lookup, options);
    }

    private DateTimeOffset MapGone(BpfChannelsOptions options, DateTimeOffset now, string reason)
    {
        SetPhase(HostedMapChannelPhase.Reopening, reason, null, attempts: 0);
        Log.MapGone(_logger, Name, reason);

        // Reopen at once: a source that already has the new map (a reloaded object) costs no interval.
        return now;
    }

    private DateTimeOffset Fail(BpfChannelsOptions options, DateTimeOffset now, Exception e)
    {
        int attempts = Read().Attempts + 1;
        SetPhase(HostedMapChannelPhase.Failing, e.Message, e, attempts);
        _metrics?.PollFailed(Name, e);
        TimeSpan retry = BpfChannelsPollingService.Backoff(options.GetPollInterval(Name), attempts, options.MaxRetryDelay);
        Log.PollFailed(_logger, Name, attempts, retry, e);
        return now + retry;
    }

    private void SetPhase(HostedMapChannelPhase phase, string? problem, Exception? error, int attempts)
    {
        lock (_lock)
        {
            _phase = phase;
            _problem = problem;
            _lastError = error;
            _attempts = attempts;
        }
    }
}

/// <summary>One hosted channel's state as health reads it.</summary>
/// <param name="Phase">Where the channel is in its map's life.</param>
/// <param name="Attempts">Failed attempts in a row: polls, or looks for a missing map.</param>
/// <param name="Problem">What is wrong, when something is.</param>
/// <param name="LastError">The last poll's exception, when polls fail.</param>
/// <param name="LastSuccess">When a poll last succeeded (or the channel opened).</param>
/// <param name="Source">Where the map came from.</param>
/// <param name="MapId">The id of the map read now (0 before there is one).</param>
/// <param name="PinNote">Why the pin no longer matches the map read, when it does not.</param>
internal readonly record struct HostedMapChannelStatus(
    HostedMapChannelPhase Phase,
    int Attempts,
    string? Problem,
    Exception? LastError,
    DateTimeOffset LastSuccess,
    string Source,
    uint MapId,
    string? PinNote);
