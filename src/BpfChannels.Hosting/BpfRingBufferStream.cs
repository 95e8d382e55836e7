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
    /// Reads <paramref name="map"/> from now on (the ring of a reloaded object), for the same subscribers: the old ring's
    /// loop ends, the old ring is drained one last time, then the new ring is read from its start, so no record either
    /// ring holds is missed and deliveries never overlap.
    /// </summary>
    /// <exception cref="BpfException">Reading the new ring failed; the stream has ended with this error.</exception>
    /// <exception cref="InvalidDataException">The old ring held a record shorter than the record type; the stream has ended with this error.</exception>
    public abstract void Follow(BpfMap map);

    /// <summary>Ends the stream with <paramref name="error"/> (its ring went away and none replaces it).</summary>
    public abstract void Fail(Exception error);

    public abstract void Dispose();
}

/// <summary>The records of one ring buffer as a hot observable, connected while the host runs.</summary>
/// <remarks>
/// Thread-safe: <see cref="Follow"/>, <see cref="Fail"/> and <see cref="Dispose"/> run one at a time. Each ring is read
/// by one epoll loop on its own thread; a ring that is left (followed, or the host stops) is drained one last time on
/// the thread that leaves it, after its loop has ended, so every record committed to it by then is delivered, and
/// deliveries never overlap.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BpfRingBufferStream<T> : BpfRingBufferStream
    where T : unmanaged
{
    private readonly Subject<T> _records = new();
    private readonly RecordHandler<T> _deliver;
    private readonly IMeterFactory? _meters;
    private readonly Lock _switch = new();
    private Feed _feed;
    private int _ended;

    public BpfRingBufferStream(string name, BpfMap map, IMeterFactory? meters)
        : base(name)
    {
        _meters = meters;
        _deliver = (in T record) => _records.OnNext(record);
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

            if (Stop(_feed) is { } error)
            {
                End(error);
                throw error;
            }

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
            End(Stop(_feed) ?? error);
        }
    }

    public override void Dispose()
    {
        lock (_switch)
        {
            End(Stop(_feed));
        }
    }

    private Feed Start(BpfMap map)
    {
        var reader = new RingBufferReader(map) { MeterFactory = _meters };
        EventLoop? loop = null;
        try
        {
            loop = new EventLoop();
            loop.Add(reader, _deliver);
            var feed = new Feed(map, reader, loop);
            feed.Thread = new Thread(() => Run(feed)) { IsBackground = true, Name = $"bpfchannels ring {Name}" };
            feed.Thread.UnsafeStart();
            return feed;
        }
        catch
        {
            loop?.Dispose();
            reader.Dispose();
            throw;
        }
    }

    private void Run(Feed feed)
    {
        try
        {
            _ = feed.Loop.Run(feed.Stopping.Token);
        }
        catch (Exception e)
        {
            // A record shorter than T, or epoll failing: the stream ends with it, unless the feed is being left (then
            // the thread that leaves it reports it).
            feed.Error = e;
            if (!feed.Stopping.IsCancellationRequested)
            {
                End(e);
            }
        }
    }

    /// <summary>
    /// Ends <paramref name="feed"/>'s loop (waiting for it without a time limit: what holds it back, a full <c>Wait</c>
    /// reader, is released by its reader or by the host stopping), drains its ring one last time on this thread and
    /// releases it; returns the loop's or the drain's failure.
    /// </summary>
    private Exception? Stop(Feed feed)
    {
        if (feed.Stopping.IsCancellationRequested)
        {
            return null; // left already
        }

        feed.Stopping.Cancel();
        bool onLoop = feed.Thread == Thread.CurrentThread; // the host stopped from inside a delivery: the loop ends after it
        if (!onLoop)
        {
            feed.Thread?.Join();
        }

        Exception? error = feed.Error;
        if (error is null && !onLoop && Volatile.Read(ref _ended) == 0)
        {
            try
            {
                _ = feed.Reader.Consume(_deliver);
            }
            catch (Exception e) when (e is InvalidDataException or BpfException or ObjectDisposedException)
            {
                error = e;
            }
        }

        feed.Loop.Dispose();
        feed.Reader.Dispose();
        feed.Stopping.Dispose();
        return error;
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

    private sealed class Feed(BpfMap map, RingBufferReader reader, EventLoop loop)
    {
        public BpfMap Map { get; } = map;

        public RingBufferReader Reader { get; } = reader;

        public EventLoop Loop { get; } = loop;

        public CancellationTokenSource Stopping { get; } = new();

        public Thread? Thread { get; set; }

        /// <summary>Set by the loop thread before it ends, read after it has been joined.</summary>
        public Exception? Error { get; set; }
    }
}
