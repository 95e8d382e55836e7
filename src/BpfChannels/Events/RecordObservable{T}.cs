namespace BpfChannels.Events;

/// <summary>
/// The observable of <see cref="EventBufferReader.Observe{T}"/>: each subscription runs an <see cref="EventLoop"/> on
/// its own thread, and the loop's drain calls the subscriber's observer directly, one interface call per record.
/// </summary>
/// <remarks>
/// <para>
/// Written by hand instead of with <c>Observable.Create</c> because a drain delivers millions of records a second:
/// <c>Observable.Create</c> puts an auto-detaching observer between the drain and the subscriber's (a virtual call,
/// a volatile read, a try/finally and one more by-value copy of the record for every record), which measured
/// about as much again as the rest of the delivery. This class keeps the same contract itself:
/// </para>
/// <list type="bullet">
/// <item><c>OnNext</c> calls never overlap: they all come from the subscription's one loop thread.</item>
/// <item>At most one of <c>OnError</c> and <c>OnCompleted</c>, once, on the loop thread after its last
/// <c>OnNext</c>; nothing follows it. A failed loop gives <c>OnError</c>, a disposed source <c>OnCompleted</c>.</item>
/// <item>Disposing the subscription stops delivery at once, also from inside <c>OnNext</c> (the rest of the drain is
/// consumed without being delivered); from another thread it waits for the loop thread (also when called again after a
/// first call from inside <c>OnNext</c>), so nothing is delivered after <c>Dispose</c> returns. It never calls
/// <c>OnCompleted</c>.</item>
/// <item>An exception thrown by <c>OnNext</c> detaches the observer (it receives nothing more, not even
/// <c>OnError</c>) and stops the loop, as an auto-detaching observer does.</item>
/// </list>
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class RecordObservable<T>(CancellationToken sourceDisposed, Action<EventLoop, Action<T>> register) : IObservable<T>
{
    /// <inheritdoc/>
    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(observer, sourceDisposed);
        subscription.Start(register);
        return subscription;
    }

    private sealed class Subscription(IObserver<T> observer, CancellationToken sourceDisposed) : IDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(sourceDisposed);
        private Thread? _thread; // the loop thread, set before it starts, so before any call from it
        private volatile bool _stopped; // no more calls to the observer: disposed, terminated, or OnNext threw
        private int _disposed;
        private int _released;

        internal void Start(Action<EventLoop, Action<T>> register)
        {
            try
            {
                // The field itself is the out argument: it holds the thread before the thread runs any callback.
                EventStreams.Start(register, OnNext, _stop.Token, Completed, out _thread);
            }
            catch
            {
                _stop.Dispose();
                throw;
            }
        }

        // Every call from another thread waits for the loop thread, also after a first Dispose from inside OnNext
        // (which cannot wait for its own thread), so once any Dispose has returned there the loop's descriptors are closed.
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _stopped = true;
                _stop.Cancel();
            }

            if (Volatile.Read(ref _thread) is { } thread)
            {
                if (Thread.CurrentThread == thread)
                {
                    return; // the loop ends after this drain
                }

                thread.Join();
            }

            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _stop.Dispose();
            }
        }

        // Called by the drain on the loop thread for every record.
        private void OnNext(T value)
        {
            if (_stopped)
            {
                return;
            }

            bool delivered = false;
            try
            {
                observer.OnNext(value);
                delivered = true;
            }
            finally
            {
                if (!delivered)
                {
                    // Detach first, so the loop's end reports nothing to this observer; the exception ends the loop.
                    _stopped = true;
                }
            }
        }

        // Called once on the loop thread when the loop has ended.
        private void Completed(Exception? error)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            if (error is not null)
            {
                observer.OnError(error);
            }
            else if (sourceDisposed.IsCancellationRequested)
            {
                observer.OnCompleted();
            }
        }
    }
}
