namespace BpfChannels;

/// <summary>
/// Feeds one observer from its reader on a dedicated thread: a subscriber that blocks in <c>OnNext</c> holds only
/// this thread, never the poller, another subscriber or the thread pool.
/// </summary>
/// <remarks>
/// Rx's rules hold by construction: one thread calls the observer, so <c>OnNext</c> calls never overlap; an
/// exception from the observer ends this subscription and goes nowhere else; <c>OnError</c> or <c>OnCompleted</c>
/// is the last call, and neither follows an unsubscription. Nothing escapes the thread: a key filter that throws while
/// the listing is read, or a wait that fails, ends the stream with that exception as <c>OnError</c>.
/// </remarks>
internal sealed class MapChangePump<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly MapChangeReader<TKey, TValue> _reader;
    private readonly IObserver<MapChange<TKey, TValue>> _observer;
    private readonly CancellationTokenSource _cancel = new();

    public MapChangePump(MapChangeReader<TKey, TValue> reader, IObserver<MapChange<TKey, TValue>> observer, string name)
    {
        _reader = reader;
        _observer = observer;
        var thread = new Thread(Run) { IsBackground = true, Name = $"bpfchannels observer {name}" };
        thread.UnsafeStart();
    }

    /// <summary>Unsubscribes: the observer receives nothing more, not even a completion.</summary>
    public void Dispose()
    {
        _cancel.Cancel();
        _reader.Dispose();
    }

    private void Run()
    {
        CancellationToken cancellation = _cancel.Token;
        Exception? failure = null;
        try
        {
            // Checked before every wait: a pump unsubscribed with changes still buffered would find them readable and
            // never wait, nor stop.
            while (!cancellation.IsCancellationRequested && _reader.WaitToRead(cancellation))
            {
                while (!cancellation.IsCancellationRequested && _reader.TryRead(out MapChange<TKey, TValue> change))
                {
                    try
                    {
                        _observer.OnNext(change);
                    }
                    catch (Exception)
                    {
                        // The subscriber broke itself; only its own stream ends.
                        _reader.Dispose();
                        return;
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Unsubscribed (the wait's OperationCanceledException, or a listing disposed under a filter that
            // unsubscribed) ends silently; anything else is the stream's error. On this thread it would end the process.
            if (!cancellation.IsCancellationRequested)
            {
                failure = ex;
                _reader.Fail(ex);
            }
        }
        finally
        {
            _reader.ReleaseWakeup();
        }

        if (cancellation.IsCancellationRequested)
        {
            return;
        }

        Finish(failure);
    }

    private void Finish(Exception? failure)
    {
        Task completion = _reader.Completion;
        try
        {
            if (failure is not null)
            {
                _observer.OnError(failure);
            }
            else if (completion.IsFaulted)
            {
                _observer.OnError(completion.Exception!.InnerException ?? completion.Exception);
            }
            else
            {
                _observer.OnCompleted();
            }
        }
        catch (Exception)
        {
            // An observer that throws from its completion has nothing left to lose; the exception goes nowhere.
        }
    }
}
