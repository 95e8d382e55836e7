using System.Runtime.InteropServices;
using System.Threading.Channels;
using static BpfChannels.Interop.Interop;

namespace BpfChannels.Events;

/// <summary>
/// Reads a BPF ring buffer (BPF_MAP_TYPE_RINGBUF) in place: records are handed to the caller straight
/// out of the memory the kernel writes, then their space is returned to the kernel.
/// </summary>
/// <remarks>
/// Needs Linux 5.8. A ring buffer has a single consumer: the <c>Consume</c> methods and the streams must
/// not run concurrently (a second concurrent consumer gets <see cref="InvalidOperationException"/>).
/// <see cref="Dispose"/> is thread-safe and unmaps the buffer once no <c>Consume</c> call is using it.
/// The reader holds its own duplicate of the map's descriptor, so the <see cref="BpfMap"/> may be disposed first.
/// </remarks>
public sealed unsafe class RingBufferReader : IDisposable
{
    private readonly RingMapping _ring;
    private readonly CancellationTokenSource _disposed = new();
    private int _consuming;

    /// <summary>Maps the ring buffer <paramref name="map"/>.</summary>
    /// <param name="map">A kernel map of type <see cref="BpfMapType.RingBuffer"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">The map is not a kernel ring buffer.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">dup or mmap failed.</exception>
    public RingBufferReader(BpfMap map)
    {
        // The consumer page is the only one this side may write; the producer page and data are read-only.
        _ring = new RingMapping(map, BpfMapType.RingBuffer);
    }

    /// <summary>The map's name.</summary>
    public string Name => _ring.Name;

    /// <summary>The size of the data area in bytes (the map's max entries).</summary>
    public int Size => _ring.Size;

    /// <summary>The bytes committed or reserved by the kernel and not yet consumed.</summary>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public long PendingBytes => _ring.PendingBytes;

    /// <summary>The reader's descriptor of the map (what epoll waits on).</summary>
    internal BpfHandle Handle => _ring.Handle;

    /// <summary>Hands every committed record to <paramref name="handler"/>, in order, and frees its space.</summary>
    /// <param name="handler">Receives each record in place; the span is valid only during the call.</param>
    /// <returns>The number of records handled (discarded records are skipped and not counted).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is consuming this ring buffer.</exception>
    /// <remarks>
    /// Returns at the first record the kernel has reserved but not yet committed. If the handler throws,
    /// its record counts as consumed and the exception propagates.
    /// </remarks>
    public int Consume(RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var sink = new RecordSinks.Span(handler);
        return Consume(ref sink);
    }

    /// <summary>Hands every committed record to <paramref name="handler"/> as a <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="handler">Receives each record by reference into the buffer.</param>
    /// <returns>The number of records handled.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is consuming this ring buffer.</exception>
    /// <exception cref="InvalidDataException">A record is shorter than <typeparamref name="T"/> (it is consumed).</exception>
    public int Consume<T>(RecordHandler<T> handler)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(handler);
        var sink = new RecordSinks.Typed<T>(handler);
        return Consume(ref sink);
    }

    /// <summary>
    /// The records as an observable: each subscription runs an epoll loop on its own thread and calls
    /// <c>OnNext</c> for every record, copied into a <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <returns>A cold observable; only one subscription may be active at a time (the buffer has one consumer).</returns>
    /// <remarks>
    /// Disposing the subscription stops the loop without <c>OnCompleted</c>; disposing the reader completes it.
    /// A failure (including an exception from <c>OnNext</c>) ends the stream with <c>OnError</c>.
    /// </remarks>
    public IObservable<T> ToObservable<T>()
        where T : unmanaged
        => EventStreams.Observable<T>(_disposed.Token, Register);

    /// <summary>The records as a channel filled by an epoll loop on its own thread.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="capacity">How many records may wait in the channel; when it is full the loop stops consuming, so the ring buffer fills and the kernel's reservations fail (explicit backpressure).</param>
    /// <param name="cancellationToken">Stops the loop and completes the channel.</param>
    /// <returns>The reader side; it completes when the token is cancelled or the reader is disposed, with the error if the loop failed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public ChannelReader<T> ToChannelReader<T>(int capacity = 4096, CancellationToken cancellationToken = default)
        where T : unmanaged
        => EventStreams.Channel<T>(_disposed.Token, Register, capacity, cancellationToken);

    /// <summary>The records as an async stream (a <see cref="ToChannelReader{T}"/> read to the end).</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The records in order.</returns>
    /// <remarks>The loop behind the stream stops when the enumeration ends (completed, broken off or cancelled).</remarks>
    public IAsyncEnumerable<T> ReadAllAsync<T>(CancellationToken cancellationToken = default)
        where T : unmanaged
        => EventStreams.ReadAll<T>(_disposed.Token, Register, cancellationToken);

    /// <summary>Unmaps the buffer and closes the reader's descriptor.</summary>
    public void Dispose()
    {
        if (!_disposed.IsCancellationRequested)
        {
            // Completes the streams first: their loops stop, then the mappings go once no Consume uses them.
            _disposed.Cancel();
        }

        _ring.Dispose();
    }

    private void Register<T>(EventLoop loop, Action<T> onNext)
        where T : unmanaged
        => loop.Add(Handle, Libc.EPOLLIN, () =>
        {
            var sink = new RecordSinks.Copy<T>(onNext);
            return Consume(ref sink);
        });

    private int Consume<TSink>(ref TSink sink)
        where TSink : struct, IRecordSink
    {
        using RingMapping.Lease lease = _ring.Acquire();
        if (Interlocked.Exchange(ref _consuming, 1) != 0)
        {
            throw new InvalidOperationException($"Ring buffer '{Name}' is already being consumed on another thread; a ring buffer has one consumer.");
        }

        try
        {
            ulong start = *_ring.ConsumerPos;
            int count = RingBufferProtocol.Consume(_ring.ConsumerPos, _ring.ProducerPos, _ring.Data, _ring.Mask, ref sink);
            EventMetrics.Consumed(Name, count, (long)(*_ring.ConsumerPos - start));
            return count;
        }
        finally
        {
            Volatile.Write(ref _consuming, 0);
        }
    }
}
