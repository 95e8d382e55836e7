namespace BpfChannels.Tests.Channels;

/// <summary>What a poll in progress holds: the options it started with, and the state lock no longer than the diff.</summary>
public sealed partial class NotifiedMapChannelTests
{
    [Fact]
    public async Task Reconfigure_DuringAPoll_TakesEffectOnlyAfterThePoll()
    {
        using var bpf = new NotifiedObject();
        bpf.Map.Update(1, 10);
        var channel = new MapChannel<uint, ulong>(bpf.Map);
        MapChannelMode? seenInPoll = null;
        Task? reconfigure = null;
        bool armed = false;
        using IDisposable subscription = channel.Subscribe(new CallbackHandler((kind, key) =>
        {
            if (!armed || reconfigure is not null)
            {
                return; // the listing, or a later change
            }

            // The poll is delivering (it holds the poll lock): switch to notified mode from another thread, give it
            // time to finish if it does not wait for the poll, and look at the mode the rest of this poll would see.
            reconfigure = Task.Factory.StartNew(
                () => channel.Reconfigure(new MapChannelOptions { Mode = MapChannelMode.Notified, ChangeNotifier = bpf.Notifier }),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            _ = reconfigure.Wait(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
            seenInPoll = channel.Mode;
        }));
        armed = true;

        bpf.Map.Update(2, 20);
        Assert.True(channel.Poll().Changes > 0);

        Assert.NotNull(reconfigure);
        await reconfigure.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(MapChannelMode.Polled, seenInPoll);
        Assert.Equal(MapChannelMode.Notified, channel.Mode);
        await channel.CompleteAsync();
    }

    [Fact]
    public void Poll_NotifiedChannel_RestartsTheReconcileTimerOutsideTheStateLock()
    {
        using var bpf = new NotifiedObject();
        bpf.Map.Update(1, 10);
        var clock = new GateProbingTimeProvider();
        MapChannel<uint, ulong> channel = bpf.Channel(new MapChannelOptions().WithTimeProvider(clock));
        clock.Channel = channel;
        using MapChangeReader<uint, ulong> reader = channel.OpenReader(); // the listing: the first full read
        int before = clock.Changes;

        bpf.Map.Update(2, 20); // from user space: only a full read finds it
        Assert.Equal(1, channel.Poll().Changes);

        Assert.True(clock.Changes > before, "the poll did not restart the reconcile timer");
        Assert.Equal(0, clock.ChangesUnderStateLock);
    }

    private sealed class CallbackHandler(Action<MapChangeKind, uint> onChange) : IMapChangeHandler<uint, ulong>
    {
        public void OnChange(MapChangeKind kind, in uint key, in ulong value, in ulong previous) => onChange(kind, key);
    }

    /// <summary>The system clock, whose timers check at every Change whether another thread can read the channel's state meanwhile.</summary>
    private sealed class GateProbingTimeProvider : TimeProvider
    {
        private int _changes;
        private int _blocked;

        public MapChannel? Channel { get; set; }

        public int Changes => Volatile.Read(ref _changes);

        public int ChangesUnderStateLock => Volatile.Read(ref _blocked);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => new ProbingTimer(this, System.CreateTimer(callback, state, dueTime, period));

        private void Probe()
        {
            if (Channel is not { } channel)
            {
                return; // the channel's constructor
            }

            Interlocked.Increment(ref _changes);

            // Count takes the state lock: if the thread changing the timer holds it, the reader waits until Change returns.
            var reader = new Thread(() => _ = channel.Count) { IsBackground = true };
            reader.Start();
            if (!reader.Join(TimeSpan.FromSeconds(2)))
            {
                Interlocked.Increment(ref _blocked);
            }
        }

        private sealed class ProbingTimer(GateProbingTimeProvider owner, ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                owner.Probe();
                return inner.Change(dueTime, period);
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
