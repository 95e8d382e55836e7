using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace BpfChannels.Events;

/// <summary>
/// Turns a reader into streams. Each stream runs its own <see cref="EventLoop"/> on a dedicated thread
/// (epoll_wait blocks, so it must not hold a thread-pool thread) and ends when the source is disposed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class EventStreams
{
    public static IObservable<T> Observable<T>(CancellationToken sourceDisposed, Action<EventLoop, Action<T>> register) =>
        new RecordObservable<T>(sourceDisposed, register);

    public static ChannelReader<T> Channel<T>(CancellationToken sourceDisposed, Action<EventLoop, Action<T>> register, int capacity, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Channel<T> channel = System.Threading.Channels.Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var stop = CancellationTokenSource.CreateLinkedTokenSource(sourceDisposed, cancellationToken);
        ChannelWriter<T> writer = channel.Writer;
        Start(
            register,
            item =>
            {
                // Blocking here is the backpressure: records stay in the ring buffer until there is room.
                while (!writer.TryWrite(item))
                {
                    if (!writer.WaitToWriteAsync(stop.Token).AsTask().GetAwaiter().GetResult())
                    {
                        return;
                    }
                }
            },
            stop.Token,
            error =>
            {
                writer.TryComplete(error);
                stop.Dispose();
            },
            out _);
        return channel.Reader;
    }

    /// <summary>A channel read to the end whose loop stops when the enumeration ends, however it ends.</summary>
    public static async IAsyncEnumerable<T> ReadAll<T>(CancellationToken sourceDisposed, Action<EventLoop, Action<T>> register, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ChannelReader<T> channel = Channel(sourceDisposed, register, 4096, stop.Token);
        try
        {
            await foreach (T item in channel.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            stop.Cancel();
        }
    }

    /// <summary>Registers the sources with a new loop and runs it on a new thread until <paramref name="stop"/>; then calls <paramref name="completed"/> on that thread.</summary>
    /// <param name="register">Adds the loop's sources, each delivering through the callback it is given.</param>
    /// <param name="onNext">What the sources deliver to, on the loop thread.</param>
    /// <param name="stop">Ends the loop.</param>
    /// <param name="completed">Called once on the loop thread when the loop has ended, with the error that ended it, if any.</param>
    /// <param name="thread">
    /// The loop thread, assigned before it starts: a caller that passes its own field here can tell the loop thread from
    /// the first record on (a dispose from inside a callback must not wait for its own thread).
    /// </param>
    internal static void Start<T>(Action<EventLoop, Action<T>> register, Action<T> onNext, CancellationToken stop, Action<Exception?> completed, out Thread thread)
    {
        var loop = new EventLoop();
        try
        {
            register(loop, onNext);
        }
        catch
        {
            loop.Dispose();
            throw;
        }

        thread = new Thread(() =>
        {
            Exception? error = null;
            try
            {
                _ = loop.Run(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped while waiting for room in a channel.
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                loop.Dispose();
            }

            completed(error);
        })
        {
            IsBackground = true,
            Name = "BpfChannels event loop",
        };
        thread.Start();
    }
}
