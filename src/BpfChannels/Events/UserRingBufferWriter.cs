using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static BpfChannels.Interop;

namespace BpfChannels.Events;

/// <summary>
/// Writes messages into a user ring buffer (BPF_MAP_TYPE_USER_RINGBUF) for a BPF program to drain with
/// <c>bpf_user_ringbuf_drain</c>: reserve space, fill it in place, submit or discard.
/// </summary>
/// <remarks>
/// Needs Linux 6.1. Reserving is thread-safe (a lock orders producers, since the kernel protocol has one
/// producer position); submitting and discarding are lock-free. When the buffer is full,
/// <see cref="TryReserve(int, out UserRingBufferReservation)"/> returns <see langword="false"/> and the
/// timed overloads wait with epoll until the kernel has drained enough. <see cref="Dispose"/> must not race
/// with writes.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class UserRingBufferWriter : IDisposable
{
    private readonly RingMapping _ring;
    private readonly Lock _reserveLock = new();
    private readonly Lock _waitLock = new();
    private EventLoop? _waiter;

    /// <summary>Maps the user ring buffer <paramref name="map"/> for writing.</summary>
    /// <param name="map">A kernel map of type <see cref="BpfMapType.UserRingBuffer"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">The map is not a kernel user ring buffer.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">dup or mmap failed.</exception>
    public UserRingBufferWriter(BpfMap map)
    {
        // The kernel owns the consumer page (read-only here); this side writes the producer page and data.
        _ring = new RingMapping(map, BpfMapType.UserRingBuffer);
    }

    /// <summary>The map's name.</summary>
    public string Name => _ring.Name;

    /// <summary>
    /// The factory whose <c>BpfChannels</c> meter counts refused reservations (a hosted application's
    /// <see cref="IMeterFactory"/>); <see langword="null"/> (the default) counts on a process-wide meter.
    /// </summary>
    /// <remarks>Set it when creating the writer. The instruments are listed in docs/metrics.md.</remarks>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>This writer's instruments (named like their type so call sites read <c>EventMetrics.WriteRejections</c>).</summary>
    internal EventMetrics EventMetrics => field ??= EventMetrics.For(MeterFactory);

    /// <summary>The size of the data area in bytes.</summary>
    public int Size => _ring.Size;

    /// <summary>The largest message that fits (the data area less one 8-byte header).</summary>
    public int MaxMessageSize => Size - RingBufferProtocol.HeaderSize;

    /// <summary>Bytes written and not yet drained by the kernel (headers and padding included).</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public long PendingBytes => _ring.PendingBytes;

    /// <summary>Reserves <paramref name="size"/> bytes if there is room now.</summary>
    /// <param name="size">The message size, 1 to <see cref="MaxMessageSize"/>.</param>
    /// <param name="reservation">The reserved space, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the buffer is too full (backpressure: retry after the kernel drains).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public bool TryReserve(int size, out UserRingBufferReservation reservation)
    {
        CheckSize(size);
        using RingMapping.Lease lease = _ring.Acquire();
        byte* payload;
        lock (_reserveLock)
        {
            payload = RingBufferProtocol.Reserve(_ring.ConsumerPos, _ring.ProducerPos, _ring.Data, _ring.Mask, (uint)size);
        }

        if (payload is null)
        {
            EventMetrics.WriteRejections.Add(1, new KeyValuePair<string, object?>(EventMetrics.MapTag, Name));
            reservation = default;
            return false;
        }

        reservation = new UserRingBufferReservation(this, payload, size);
        return true;
    }

    /// <summary>Reserves <paramref name="size"/> bytes, waiting up to <paramref name="timeout"/> for the kernel to make room.</summary>
    /// <param name="size">The message size, 1 to <see cref="MaxMessageSize"/>.</param>
    /// <param name="timeout">The longest wait; <see cref="Timeout.InfiniteTimeSpan"/> waits without limit.</param>
    /// <param name="reservation">The reserved space, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when there was still no room after <paramref name="timeout"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> or <paramref name="timeout"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    /// <exception cref="BpfException">epoll failed.</exception>
    /// <remarks>
    /// The kernel reports the buffer writable whenever any space is free, so while less than
    /// <paramref name="size"/> is free this retries on each wakeup, as libbpf's blocking reserve does.
    /// </remarks>
    public bool TryReserve(int size, TimeSpan timeout, out UserRingBufferReservation reservation)
    {
        CheckSize(size);
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, Timeout.InfiniteTimeSpan);
        while (!TryReserve(size, out reservation))
        {
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                return false;
            }

            lock (_waitLock)
            {
                if (_waiter is null)
                {
                    var waiter = new EventLoop();
                    waiter.Add(static () => false, _ring.Handle, Libc.EPOLLOUT, static () => 0);
                    _waiter = waiter;
                }

                _ = _waiter.PollOnce(deadline == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Min(remaining, 100)));
            }
        }

        return true;
    }

    /// <summary>Makes a reserved record visible to the kernel.</summary>
    /// <param name="reservation">A reservation of this writer that was not yet submitted or discarded.</param>
    /// <exception cref="ArgumentException">The reservation is empty, belongs to another writer, or was already submitted or discarded.</exception>
    public void Submit(UserRingBufferReservation reservation) => Commit(reservation, discard: false);

    /// <summary>Gives a reserved record back: the kernel skips it.</summary>
    /// <param name="reservation">A reservation of this writer that was not yet submitted or discarded.</param>
    /// <exception cref="ArgumentException">The reservation is empty, belongs to another writer, or was already submitted or discarded.</exception>
    public void Discard(UserRingBufferReservation reservation) => Commit(reservation, discard: true);

    /// <summary>Copies <paramref name="message"/> into the buffer and submits it, if there is room now.</summary>
    /// <param name="message">The message, 1 to <see cref="MaxMessageSize"/> bytes.</param>
    /// <returns><see langword="false"/> when the buffer is too full.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is empty or too large.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public bool TryWrite(ReadOnlySpan<byte> message)
    {
        if (!TryReserve(message.Length, out UserRingBufferReservation reservation))
        {
            return false;
        }

        message.CopyTo(reservation.Data);
        Submit(reservation);
        return true;
    }

    /// <summary>Writes <paramref name="message"/>, waiting up to <paramref name="timeout"/> for room.</summary>
    /// <param name="message">The message, 1 to <see cref="MaxMessageSize"/> bytes.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <returns><see langword="false"/> when there was still no room after <paramref name="timeout"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is empty or too large, or the timeout is negative.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public bool TryWrite(ReadOnlySpan<byte> message, TimeSpan timeout)
    {
        if (!TryReserve(message.Length, timeout, out UserRingBufferReservation reservation))
        {
            return false;
        }

        message.CopyTo(reservation.Data);
        Submit(reservation);
        return true;
    }

    /// <summary>Writes one unmanaged struct as a message, if there is room now.</summary>
    /// <typeparam name="T">The message type, laid out as the BPF program reads it.</typeparam>
    /// <param name="message">The message.</param>
    /// <returns><see langword="false"/> when the buffer is too full.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><typeparamref name="T"/> is larger than <see cref="MaxMessageSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public bool TryWrite<T>(in T message)
        where T : unmanaged
        => TryWrite(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in message)));

    /// <summary>Unmaps the buffer and closes the writer's descriptors.</summary>
    public void Dispose()
    {
        lock (_waitLock)
        {
            _waiter?.Dispose();
        }

        _ring.Dispose();
    }

    private void CheckSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxMessageSize);
    }

    private void Commit(UserRingBufferReservation reservation, bool discard)
    {
        if (reservation.Writer != this)
        {
            throw new ArgumentException(reservation.Writer is null ? "The reservation is empty." : "The reservation belongs to another writer.", nameof(reservation));
        }

        using RingMapping.Lease lease = _ring.Acquire();
        uint header = Volatile.Read(ref Unsafe.AsRef<uint>(reservation.Payload - RingBufferProtocol.HeaderSize));
        if ((header & RingBufferProtocol.BusyBit) == 0)
        {
            throw new ArgumentException("The reservation was already submitted or discarded.", nameof(reservation));
        }

        RingBufferProtocol.Commit(reservation.Payload, discard);
    }
}
