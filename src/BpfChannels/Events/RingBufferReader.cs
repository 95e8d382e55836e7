using System.Runtime.InteropServices;
using static BpfChannels.Interop;

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
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class RingBufferReader : EventBufferReader
{
    private readonly RingMapping _ring;
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
        return ConsumeCore(ref sink);
    }

    /// <summary>Hands every committed record to a struct <paramref name="handler"/>, with no delegate call per record.</summary>
    /// <typeparam name="THandler">The handler type; the drain loop is compiled for it.</typeparam>
    /// <param name="handler">The handler; its state is updated in place.</param>
    /// <returns>The number of records handled.</returns>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is consuming this ring buffer.</exception>
    public int Consume<THandler>(ref THandler handler)
        where THandler : struct, IRecordHandler
        => ConsumeCore(ref handler);

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
        return ConsumeCore(ref sink);
    }

    /// <summary>Completes the streams, unmaps the buffer and closes the reader's descriptor.</summary>
    /// <param name="disposing">Whether the call comes from <see cref="EventBufferReader.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _ring.Dispose();
        }
    }

    private protected override void Register<T>(EventLoop loop, Action<T> onNext)
        => loop.Add(IsDisposedCheck, Handle, Libc.EPOLLIN, () =>
        {
            var sink = new RecordSinks.Copy<T>(onNext);
            return ConsumeCore(ref sink);
        });

    private int ConsumeCore<TSink>(ref TSink sink)
        where TSink : struct, IRecordHandler
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
