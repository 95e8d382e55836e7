using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static BpfChannels.Interop;

namespace BpfChannels.Events;

/// <summary>
/// One epoll loop over any number of ring buffers and perf buffers: it sleeps until the kernel signals
/// that a buffer has data, then drains exactly the buffers that are ready. It never polls on a timer.
/// </summary>
/// <remarks>
/// Needs Linux 5.8 for ring buffers (4.4 for perf buffers). <see cref="Add(RingBufferReader, RecordHandler)"/>
/// and <see cref="Dispose"/> are thread-safe; <see cref="PollOnce"/> and <see cref="Run"/> run on one thread at
/// a time, and every handler is called on that thread, never concurrently. The loop does not own the readers:
/// dispose them after the loop, or the loop drops a disposed reader the next time it is ready.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EventLoop : IDisposable
{
    private const ulong WakeupToken = ulong.MaxValue;
    private readonly SafeFileHandle _epoll;
    private readonly SafeFileHandle _wakeup;
    private readonly Lock _lock = new();
    private readonly byte[] _events = new byte[64 * Libc.EpollEventSize];
    private Source?[] _sources = new Source?[4];
    private int _count;
    private int _running;
    private volatile bool _sweep;
    private volatile bool _disposed;

    /// <summary>Creates an empty loop (an epoll instance and an eventfd used to wake it).</summary>
    /// <exception cref="BpfException">epoll_create1 or eventfd failed (for example EMFILE).</exception>
    public EventLoop()
    {
        _epoll = Open(Libc.EpollCreate(out int epoll), epoll, BpfCommand.EpollCreate);
        try
        {
            _wakeup = Open(Libc.EventFd(out int wakeup), wakeup, BpfCommand.EventFd);
            Register(_wakeup, Libc.EPOLLIN, WakeupToken);
        }
        catch
        {
            _wakeup?.Dispose();
            _epoll.Dispose();
            throw;
        }
    }

    /// <summary>The number of buffers registered (a perf buffer counts once per CPU).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Drains <paramref name="reader"/> into <paramref name="handler"/> whenever it has records.</summary>
    /// <param name="reader">The ring buffer.</param>
    /// <param name="handler">Receives each record in place.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop or the reader is disposed.</exception>
    public void Add(RingBufferReader reader, RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(handler);
        Add(reader.IsDisposedCheck, reader.Handle, Libc.EPOLLIN, () => reader.Consume(handler));
    }

    /// <summary>Drains <paramref name="reader"/> into a typed <paramref name="handler"/> whenever it has records.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="reader">The ring buffer.</param>
    /// <param name="handler">Receives each record as a reference into the buffer.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop or the reader is disposed.</exception>
    public void Add<T>(RingBufferReader reader, RecordHandler<T> handler)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(handler);
        Add(reader.IsDisposedCheck, reader.Handle, Libc.EPOLLIN, () => reader.Consume(handler));
    }

    /// <summary>Drains every CPU's buffer of <paramref name="reader"/> into <paramref name="handler"/> when it has samples.</summary>
    /// <param name="reader">The perf event array reader.</param>
    /// <param name="handler">Receives each sample's raw data.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">The loop or the reader is disposed.</exception>
    public void Add(PerfEventArrayReader reader, RecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(handler);
        for (int i = 0; i < reader.BufferCount; i++)
        {
            int index = i;
            Add(reader.IsDisposedCheck, reader.BufferHandle(i), Libc.EPOLLIN, () => reader.ConsumeBuffer(index, handler));
        }
    }

    /// <summary>
    /// Waits until a buffer is ready (or <paramref name="timeout"/> passes, or <see cref="Wake"/> is called),
    /// then drains the ready buffers.
    /// </summary>
    /// <param name="timeout">The longest wait; <see cref="Timeout.InfiniteTimeSpan"/> waits without limit, zero does not wait.</param>
    /// <returns>The number of records handed to handlers.</returns>
    /// <exception cref="ObjectDisposedException">The loop is disposed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is already polling this loop.</exception>
    /// <exception cref="BpfException">epoll_wait failed.</exception>
    public int PollOnce(TimeSpan timeout)
    {
        int milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : checked((int)Math.Ceiling(timeout.TotalMilliseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(milliseconds, -1, nameof(timeout));
        Enter();
        try
        {
            return PollCore(milliseconds);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Waits and drains until <paramref name="cancellationToken"/> is cancelled or the loop is disposed.</summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>The number of records handed to handlers.</returns>
    /// <exception cref="ObjectDisposedException">The loop is disposed before it starts.</exception>
    /// <exception cref="InvalidOperationException">Another thread is already polling this loop.</exception>
    /// <exception cref="BpfException">epoll_wait failed.</exception>
    /// <remarks>A handler's exception stops the loop and propagates to the caller.</remarks>
    public long Run(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            using CancellationTokenRegistration registration = cancellationToken.Register(Wake);
            long total = 0;
            while (!cancellationToken.IsCancellationRequested && !_disposed)
            {
                total += PollCore(-1);
            }

            return total;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Makes a waiting <see cref="PollOnce"/> or <see cref="Run"/> return early. Thread-safe.</summary>
    public void Wake()
    {
        if (!_disposed)
        {
            UseWakeup(signal: true);
        }
    }

    /// <summary>Stops the loop and closes the epoll and eventfd descriptors.</summary>
    /// <remarks>If another thread is in <see cref="Run"/>, it is woken and returns; the descriptors close once it has left.</remarks>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Disposed first, then woken: a Run that wakes re-checks the flag and leaves instead of waiting again.
        _disposed = true;
        UseWakeup(signal: true);
        Source?[] sources;
        lock (_lock)
        {
            sources = _sources;
            _sources = new Source?[sources.Length];
        }

        foreach (Source? source in sources)
        {
            source?.Fd.DangerousRelease();
        }

        _wakeup.Dispose();
        _epoll.Dispose();
    }

    internal void Add(Func<bool> ownerDisposed, SafeHandle fd, uint events, Func<int> drain)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_lock)
        {
            int index = _count;
            if (index == _sources.Length)
            {
                Array.Resize(ref _sources, index * 2);
            }

            Register(fd, events, (ulong)index);

            // The loop holds the descriptor open while it is registered: closing a dup of a map's descriptor
            // does not take it out of the epoll set (the map's own descriptor keeps the file open), so the
            // loop must remove it itself, with a descriptor that is still valid.
            bool held = false;
            fd.DangerousAddRef(ref held); // released in Unregister or Dispose, not at the end of this call
            _sources[index] = new Source(ownerDisposed, fd, drain);
            Volatile.Write(ref _count, index + 1);
            _sweep = true;
        }
    }

    private static SafeFileHandle Open(int errno, int fd, BpfCommand command) =>
        errno != 0 ? throw BpfErrors.Create(errno, command, null) : new SafeFileHandle(fd, ownsHandle: true);

    private void Register(SafeHandle fd, uint events, ulong token)
    {
        using var epoll = new HandleLease(_epoll);
        using var target = new HandleLease(fd);
        int error = Libc.EpollCtl(epoll.FileDescriptor, Libc.EPOLL_CTL_ADD, target.FileDescriptor, events, token);
        if (error != 0)
        {
            throw BpfErrors.Create(error, BpfCommand.EpollCtl, null);
        }
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("Another thread is already polling this event loop.");
        }
    }

    private int PollCore(int milliseconds)
    {
        // A perf event's poll reports data once per wakeup and epoll re-polls before reporting, so events
        // written before a buffer joined the loop would never be reported: drain new buffers once first.
        int swept = _sweep ? Sweep() : 0;
        if (swept > 0)
        {
            return swept;
        }

        int n;
        int errno;
        try
        {
            using var epoll = new HandleLease(_epoll);
            do
            {
                errno = Libc.EpollWait(epoll.FileDescriptor, _events, milliseconds, out n);
            }
            while (errno == Errno.EINTR);
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }

        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.EpollWait, null);
        }

        int records = 0;
        Source?[] sources = Volatile.Read(ref _sources);
        for (int i = 0; i < n; i++)
        {
            ulong token = Libc.EpollEventData(_events, i);
            if (token == WakeupToken)
            {
                UseWakeup(signal: false);
                continue;
            }

            Debug.Assert(token < (ulong)sources.Length, "epoll returned a token that was never registered");
            records += Drain((int)token);
        }

        return records;
    }

    private int Sweep()
    {
        _sweep = false;
        int records = 0;
        int count = Volatile.Read(ref _count);
        for (int i = 0; i < count; i++)
        {
            records += Drain(i);
        }

        return records;
    }

    private int Drain(int index)
    {
        Source? source = Volatile.Read(ref _sources)[index];
        if (source is null)
        {
            return 0;
        }

        try
        {
            return source.Drain();
        }
        catch (ObjectDisposedException) when (source.OwnerDisposed())
        {
            // The reader was disposed while registered: take its descriptor out of the epoll set (else a
            // level-triggered ready buffer would wake the loop forever), then let the descriptor close.
            lock (_lock)
            {
                _sources[index] = null;
            }

            Unregister(source);
            return 0;
        }
    }

    private void Unregister(Source source)
    {
        try
        {
            using var epoll = new HandleLease(_epoll);
            _ = Libc.EpollCtl(epoll.FileDescriptor, Libc.EPOLL_CTL_DEL, (int)source.Fd.DangerousGetHandle(), 0, 0);
        }
        catch (ObjectDisposedException)
        {
            // The loop itself is closing: the epoll set goes with it.
        }
        finally
        {
            source.Fd.DangerousRelease(); // the reference taken when the source was added
        }
    }

    private sealed record Source(Func<bool> OwnerDisposed, SafeHandle Fd, Func<int> Drain);

    private void UseWakeup(bool signal)
    {
        try
        {
            using var wakeup = new HandleLease(_wakeup);
            _ = signal ? Libc.EventFdSignal(wakeup.FileDescriptor) : Libc.EventFdDrain(wakeup.FileDescriptor);
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently: nobody is left to wake, and the loop is ending.
        }
    }
}
