using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// Runs every registered map channel's life (<see cref="HostedMapChannel.Step"/>) on its own dedicated thread, timed
/// by <see cref="TimeProvider"/>: polls at the channel's interval, waits for missing maps and retries failures with a
/// doubling delay. Options reloaded through <see cref="IOptionsMonitor{TOptions}"/> reschedule every channel at once.
/// Stopping ends the threads and completes every channel.
/// </summary>
internal sealed class BpfChannelsPollingService : IHostedService, IDisposable
{
    private readonly BpfChannelRegistry _registry;
    private readonly IOptionsMonitor<BpfChannelsOptions> _monitor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private PollLoop[] _loops = [];
    private IDisposable? _reloads;
    private BpfChannelsOptions _options;

    public BpfChannelsPollingService(BpfChannelRegistry registry, IOptionsMonitor<BpfChannelsOptions> monitor, TimeProvider time, ILogger<BpfChannelsPollingService>? logger = null)
    {
        _registry = registry;
        _monitor = monitor;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = monitor.CurrentValue;
    }

    /// <summary>The options every loop reads now (the last valid ones).</summary>
    internal BpfChannelsOptions Options => Volatile.Read(ref _options);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Open every channel before anything runs, so a required map that is missing fails host start-up.
        HostedMapChannel[] channels = _registry.Open();
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            _loops = Array.ConvertAll(channels, channel => new PollLoop(this, channel, now + Options.GetPollInterval(channel.Name)));
            _reloads = _monitor.OnChange(Reload);
        }

        foreach (PollLoop loop in _loops)
        {
            loop.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        StopLoops();
        await _registry.CompleteAllAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        Log.Stopped(_logger, _registry.Opened.Length);
    }

    public void Dispose() => StopLoops();

    internal static TimeSpan Backoff(TimeSpan interval, int failures, TimeSpan max)
    {
        // In ticks and without overflow: interval * 2^failures, at most the cap.
        TimeSpan cap = max > interval ? max : interval;
        int shift = Math.Clamp(failures, 0, 62);
        return interval.Ticks > (cap.Ticks >> shift) ? cap : TimeSpan.FromTicks(interval.Ticks << shift);
    }

    private void StopLoops()
    {
        PollLoop[] loops;
        lock (_lock)
        {
            loops = _loops;
            _loops = [];
            _reloads?.Dispose();
            _reloads = null;
        }

        foreach (PollLoop loop in loops)
        {
            loop.Stop();
        }
    }

    private void Reload(BpfChannelsOptions options)
    {
        // The monitor validated these already (an invalid reload never gets here: it throws to the reloader).
        Volatile.Write(ref _options, options);
        PollLoop[] loops = Volatile.Read(ref _loops);
        foreach (PollLoop loop in loops)
        {
            loop.Channel.Reconfigure(options);
            loop.Reschedule();
        }

        Log.OptionsReloaded(_logger, loops.Length);
    }

    /// <summary>
    /// One channel's thread. It waits on an event that a <see cref="TimeProvider"/> timer sets, and also with an OS
    /// timeout of the same length: with the system clock the timed wait alone wakes it on time even when every
    /// thread-pool thread is busy (the timer's callback would need one), and with a virtual clock the timer wakes it
    /// when the clock is advanced. Either way it checks the clock before stepping, so a wake-up too early only loops.
    /// </summary>
    private sealed class PollLoop(BpfChannelsPollingService owner, HostedMapChannel channel, DateTimeOffset firstDue)
    {
        private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

        private readonly ManualResetEventSlim _wake = new(initialState: false);
        private Thread? _thread;
        private volatile bool _stopping;
        private volatile bool _reschedule;

        public HostedMapChannel Channel { get; } = channel;

        public void Start()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = $"bpfchannels poll {Channel.Name}" };
            _thread.UnsafeStart();
        }

        public void Reschedule()
        {
            _reschedule = true;
            _wake.Set();
        }

        public void Stop()
        {
            _stopping = true;
            _wake.Set();
            if (_thread is { } thread && thread != Thread.CurrentThread)
            {
                thread.Join();
            }
        }

        private void Run()
        {
            TimeProvider time = owner._time;
            using ITimer timer = time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _wake, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            DateTimeOffset due = firstDue;
            while (!_stopping)
            {
                if (_reschedule)
                {
                    _reschedule = false;
                    due = Channel.Reschedule(owner.Options, due);
                }

                DateTimeOffset now = time.GetUtcNow();
                if (now >= due)
                {
                    due = Channel.Step(owner.Options, now);
                    continue;
                }

                _wake.Reset();
                TimeSpan remaining = due - now;
                TimeSpan wait = remaining < LongestWait ? remaining : LongestWait;
                timer.Change(wait, Timeout.InfiniteTimeSpan);

                // The clock may have moved while the timer was armed (a virtual clock advanced by a test, say).
                if (!_stopping && !_reschedule && time.GetUtcNow() < due)
                {
                    _wake.Wait(wait);
                }
            }
        }
    }
}
