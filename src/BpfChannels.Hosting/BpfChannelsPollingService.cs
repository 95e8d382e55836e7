using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// Polls every registered map channel at its interval on <see cref="TimeProvider"/>. A failed poll is logged and
/// retried with a doubling delay (the channel's state and subscribers survive it); stopping completes every channel.
/// </summary>
internal sealed class BpfChannelsPollingService(
    BpfChannelRegistry registry,
    BpfChannelsMetrics metrics,
    IOptions<BpfChannelsOptions> options,
    TimeProvider time,
    ILogger<BpfChannelsPollingService>? logger = null) : BackgroundService
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Open every channel before anything runs, so a missing map fails host start-up.
        registry.Open();
        await base.StartAsync(cancellationToken).ConfigureAwait(false);

        // ExecuteAsync may run on another thread; start-up ends once every first timer exists, so time
        // advanced after start (virtual time in particular) is seen by every loop.
        await _armed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await registry.CompleteAllAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        Log.Stopped(_logger, registry.Opened.Length);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each loop runs up to its first wait synchronously, so every timer exists when StartAsync returns.
        MapChannelState[] states = registry.Open();
        var loops = new Task[states.Length];
        for (int i = 0; i < states.Length; i++)
        {
            loops[i] = PollLoopAsync(states[i], stoppingToken);
        }

        _armed.TrySetResult();
        return Task.WhenAll(loops);
    }

    private async Task PollLoopAsync(MapChannelState state, CancellationToken stoppingToken)
    {
        // One timer per channel for its whole life: waiting for a tick allocates nothing, so a poll where
        // nothing changed allocates nothing end to end. A new period (backoff, recovery) restarts it from now.
        using var timer = new PeriodicTimer(state.Interval, time);
        Exception? error = null;
        bool polled = false;
        while (true)
        {
            ValueTask<bool> tick = timer.WaitForNextTickAsync(stoppingToken);
            if (polled)
            {
                // Reported once the next wait is armed, so whoever watches knows when the next poll is due.
                state.OnPollFinished(error);
            }

            try
            {
                if (!await tick.ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            (TimeSpan? next, error) = PollOnce(state);
            if (next is not { } period)
            {
                return;
            }

            if (timer.Period != period)
            {
                timer.Period = period;
            }

            polled = true;
        }
    }

    private (TimeSpan? Next, Exception? Error) PollOnce(MapChannelState state)
    {
        long started = time.GetTimestamp();
        try
        {
            MapPollResult result = state.Channel.Poll();
            if (result.Polled)
            {
                metrics.Polled(state.Name, time.GetElapsedTime(started), result.Changes);
            }

            int recovered = state.Succeeded(time.GetUtcNow());
            if (recovered > 0)
            {
                Log.PollRecovered(_logger, state.Name, recovered);
            }

            return (state.Interval, null);
        }
        catch (InvalidOperationException) when (state.Channel.IsCompleted)
        {
            return (null, null);
        }
        catch (Exception e)
        {
            // Whatever broke this poll (a syscall error, a disposed map) may be transient; the loop must outlive it.
            metrics.PollFailed(state.Name);
            int failures = state.Failed(e);
            TimeSpan retry = Backoff(state.Interval, failures, options.Value.MaxRetryDelay);
            Log.PollFailed(_logger, state.Name, failures, retry, e);
            return (retry, e);
        }
    }

    internal static TimeSpan Backoff(TimeSpan interval, int failures, TimeSpan max)
    {
        // In ticks and without overflow: interval * 2^failures, at most the cap.
        TimeSpan cap = max > interval ? max : interval;
        int shift = Math.Clamp(failures, 0, 62);
        return interval.Ticks > (cap.Ticks >> shift) ? cap : TimeSpan.FromTicks(interval.Ticks << shift);
    }
}
