namespace BpfChannels.Hosting;

/// <summary>One hosted channel with its poll interval and the health of its polling.</summary>
/// <remarks>Written by the polling loop, read by the health check; guarded by a lock.</remarks>
internal sealed class MapChannelState(string name, MapChannel channel, TimeSpan interval, DateTimeOffset openedAt)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _lastSuccess = openedAt;
    private int _failures;
    private Exception? _lastError;

    public MapChannel Channel { get; } = channel;

    /// <summary>The registered name (the map's own name may differ, or be truncated by the kernel).</summary>
    public string Name { get; } = name;

    public TimeSpan Interval { get; } = interval;

    /// <summary>Raised after every poll attempt (with its failure, if any) once the wait for the next one is armed.</summary>
    public event Action<MapChannelState, Exception?>? PollFinished;

    public (DateTimeOffset LastSuccess, int Failures, Exception? LastError) Read()
    {
        lock (_lock)
        {
            return (_lastSuccess, _failures, _lastError);
        }
    }

    /// <summary>Records a successful poll (or an idle one, which is healthy too) and returns the failures it ends.</summary>
    public int Succeeded(DateTimeOffset now)
    {
        int ended;
        lock (_lock)
        {
            ended = _failures;
            _lastSuccess = now;
            _failures = 0;
            _lastError = null;
        }

        return ended;
    }

    /// <summary>Records a failed poll and returns the number of failures in a row.</summary>
    public int Failed(Exception error)
    {
        int failures;
        lock (_lock)
        {
            failures = ++_failures;
            _lastError = error;
        }

        return failures;
    }

    public void OnPollFinished(Exception? error) => PollFinished?.Invoke(this, error);
}
