using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace BpfChannels.Events;

/// <summary>
/// A reader of a buffer the kernel fills with events (<see cref="RingBufferReader"/>,
/// <see cref="PerfEventArrayReader"/>), consumable as streams. Each stream runs its own epoll loop on a
/// dedicated thread and ends when the reader is disposed.
/// </summary>
/// <remarks>
/// A buffer has one consumer: use one stream at a time and do not consume it directly meanwhile (a
/// concurrent consumer gets <see cref="InvalidOperationException"/>). <see cref="Dispose()"/> is thread-safe.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public abstract class EventBufferReader : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private Func<bool>? _isDisposedCheck;

    /// <summary>Whether <see cref="Dispose()"/> has begun (set before any mapping or descriptor goes).</summary>
    internal bool IsDisposed => _disposed.IsCancellationRequested;

    /// <summary><see cref="IsDisposed"/> as the check an <see cref="EventLoop"/> makes when a drain finds the reader gone.</summary>
    internal Func<bool> IsDisposedCheck => _isDisposedCheck ??= () => IsDisposed;

    private protected EventBufferReader()
    {
    }

    /// <summary>
    /// The factory whose <c>BpfChannels</c> meter counts this reader's records, bytes and lost samples (a hosted
    /// application's <see cref="IMeterFactory"/>); <see langword="null"/> (the default) counts on a process-wide meter.
    /// </summary>
    /// <remarks>Set it when creating the reader. The instruments are listed in docs/metrics.md.</remarks>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>This reader's instruments (named like their type so drains read <c>EventMetrics.Consumed</c>).</summary>
    internal EventMetrics EventMetrics => field ??= EventMetrics.For(MeterFactory);

    /// <summary>
    /// The events as an observable: each subscription runs an epoll loop on its own thread and calls
    /// <c>OnNext</c> for every event, copied into a <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The event type, laid out as the BPF program writes it.</typeparam>
    /// <returns>A cold observable; one subscription at a time.</returns>
    /// <remarks>
    /// <c>OnNext</c> calls never overlap. Disposing the subscription stops the loop without <c>OnCompleted</c>
    /// (and waits for the loop thread, so do not dispose it while holding a lock that <c>OnNext</c> takes);
    /// disposing the reader completes the stream. A failure of the loop (an event shorter than
    /// <typeparamref name="T"/>, an epoll error) ends the stream with <c>OnError</c>. An exception thrown by
    /// <c>OnNext</c> itself ends the subscription: the observer is detached and receives nothing more, so
    /// handle exceptions inside <c>OnNext</c>.
    /// </remarks>
    public IObservable<T> Observe<T>()
        where T : unmanaged
        => EventStreams.Observable<T>(_disposed.Token, Register);

    /// <summary>The events as a channel filled by an epoll loop on its own thread.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="capacity">How many events may wait in the channel. When it is full the loop stops reading, so the kernel's buffer fills and the kernel refuses or drops further events: explicit backpressure.</param>
    /// <param name="cancellationToken">Stops the loop and completes the channel.</param>
    /// <returns>The reader side; it completes when the token is cancelled or the reader is disposed, with the error if the loop failed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public ChannelReader<T> OpenReader<T>(int capacity = 4096, CancellationToken cancellationToken = default)
        where T : unmanaged
        => EventStreams.Channel<T>(_disposed.Token, Register, capacity, cancellationToken);

    /// <summary>The events as an async stream.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The events in order.</returns>
    /// <remarks>The loop behind the stream stops when the enumeration ends (completed, broken off or cancelled).</remarks>
    public IAsyncEnumerable<T> ReadAllAsync<T>(CancellationToken cancellationToken = default)
        where T : unmanaged
        => EventStreams.ReadAll<T>(_disposed.Token, Register, cancellationToken);

    /// <summary>Completes the streams, then releases the buffer's mappings and descriptors.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Completes the streams; a derived reader then releases its mappings and descriptors.</summary>
    /// <param name="disposing">Whether the call comes from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !_disposed.IsCancellationRequested)
        {
            // The streams' loops stop first; the mappings go once no drain uses them.
            _disposed.Cancel();
        }
    }

    /// <summary>Registers the buffer's descriptors with <paramref name="loop"/>, handing each event to <paramref name="onNext"/>.</summary>
    private protected abstract void Register<T>(EventLoop loop, Action<T> onNext)
        where T : unmanaged;
}
