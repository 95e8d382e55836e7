using System.Diagnostics.Metrics;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using BpfChannels.Events;

namespace BpfChannels.Hosting;

/// <summary>One hosted ring buffer: its reader, read by one epoll loop, shared by every subscriber.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal abstract class BpfRingBufferStream(string name) : IDisposable
{
    /// <summary>The registration's name.</summary>
    public string Name { get; } = name;

    /// <summary>The ring buffer map read now.</summary>
    public abstract BpfMap Map { get; }

    /// <summary>
    /// Reads <paramref name="map"/> from now on (the ring of a reloaded object), for the same subscribers: the reader of
    /// the old ring stops after the records it has read, then the new ring is read from its start, so no record the new
    /// ring holds is missed and deliveries never overlap.
    /// </summary>
    /// <exception cref="BpfException">Reading the new ring failed; the stream has ended with this error.</exception>
    public abstract void Follow(BpfMap map);

    /// <summary>Ends the stream with <paramref name="error"/> (its ring went away and none replaces it).</summary>
    public abstract void Fail(Exception error);

    public abstract void Dispose();
}

/// <summary>The records of one ring buffer as a hot observable, connected while the host runs.</summary>
/// <remarks>Thread-safe: <see cref="Follow"/>, <see cref="Fail"/> and <see cref="Dispose"/> run one at a time.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BpfRingBufferStream<T> : BpfRingBufferStream
    where T : unmanaged
{
    private readonly Subject<T> _records = new();
    private readonly IMeterFactory? _meters;
    private readonly Lock _switch = new();
    private Feed _feed;
    private int _ended;

    public BpfRingBufferStream(string name, BpfMap map, IMeterFactory? meters)
        : base(name)
    {
        _meters = meters;
        Records = _records.AsObservable();
        _feed = Start(map);
    }

    /// <summary>Every record read from the moment the host started; late subscribers see records from when they subscribe.</summary>
    public IObservable<T> Records { get; }

    public override BpfMap Map => Volatile.Read(ref _feed).Map;

    public override void Follow(BpfMap map)
    {
        lock (_switch)
        {
            if (Volatile.Read(ref _ended) != 0)
            {
                return;
            }

            Stop(_feed, replaced: true);
            try
            {
                Volatile.Write(ref _feed, Start(map));
            }
            catch (Exception e)
            {
                End(error: e);
                throw;
            }
        }
    }

    public override void Fail(Exception error)
    {
        lock (_switch)
        {
            Stop(_feed, replaced: true);
            End(error);
        }
    }

    public override void Dispose()
    {
        lock (_switch)
        {
            // Disposing the reader completes its stream on the loop thread, and every subscriber sees OnCompleted there.
            Stop(_feed, replaced: false);
            End(error: null); // in case the loop did not end in time
        }
    }

    private Feed Start(BpfMap map)
    {
        var feed = new Feed(map, new RingBufferReader(map) { MeterFactory = _meters });
        try
        {
            feed.Subscription = feed.Reader.Observe<T>().Subscribe(_records.OnNext, error => Ended(feed, error), () => Ended(feed, null));
        }
        catch
        {
            feed.Reader.Dispose();
            throw;
        }

        return feed;
    }

    /// <summary>Stops <paramref name="feed"/>'s loop; a <paramref name="replaced"/> feed ends without ending the stream.</summary>
    private static void Stop(Feed feed, bool replaced)
    {
        feed.Replaced = replaced;
        feed.Reader.Dispose();

        // The loop ends on its own thread once the reader is disposed; detaching before that would lose what it was
        // delivering, so the subscription is disposed (which joins the loop thread) only after, or after a while.
        _ = feed.Ended.Task.Wait(TimeSpan.FromSeconds(5));
        feed.Subscription?.Dispose();
    }

    private void Ended(Feed feed, Exception? error)
    {
        feed.Ended.TrySetResult();
        if (!feed.Replaced)
        {
            End(error);
        }
    }

    private void End(Exception? error)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        if (error is null)
        {
            _records.OnCompleted();
        }
        else
        {
            _records.OnError(error);
        }
    }

    private sealed class Feed(BpfMap map, RingBufferReader reader)
    {
        public BpfMap Map { get; } = map;

        public RingBufferReader Reader { get; } = reader;

        public IDisposable? Subscription { get; set; }

        private volatile bool _replaced;

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set before the reader is disposed, read by the loop thread as it ends.</summary>
        public bool Replaced
        {
            get => _replaced;
            set => _replaced = value;
        }
    }
}
