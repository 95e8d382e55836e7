using BpfChannels.Events;

namespace BpfChannels;

/// <summary>
/// Wakes the one thread that waits for a reader's changes (an <c>Observe</c> pump), and only when it waits: the thread
/// announces itself (<see cref="BeginWait"/>), looks at the buffer once more, then blocks; the publisher wakes it
/// after a whole delivery and every half buffer within one (<see cref="WakeIfWaiting"/>), so a poll of a thousand
/// changes costs one wake-up or a few, and a change published while the pump is busy costs none.
/// </summary>
/// <remarks>
/// On Linux the thread blocks in epoll on an eventfd (an <see cref="EventLoop"/> with nothing else in it): the waker
/// writes the eventfd and holds no lock the woken thread needs. A monitor-based event (what
/// <see cref="ManualResetEventSlim"/> does) wakes its waiter while holding the monitor the waiter must take back, so
/// on a machine where the waiter runs at once the two threads hand the lock back and forth, a context switch and a
/// futex call each, for every change. Elsewhere (the in-memory twin on another system) it is a
/// <see cref="ManualResetEventSlim"/>. Created with the reader, before it subscribes, and disposed by the pump when it
/// ends; thread-safe.
/// </remarks>
internal sealed class ReaderWakeup : IDisposable
{
    private readonly EventLoop? _eventFd;
    private readonly ManualResetEventSlim? _event;
    private int _waiting;

    public ReaderWakeup()
    {
        if (OperatingSystem.IsLinux())
        {
            _eventFd = new EventLoop();
        }
        else
        {
            _event = new ManualResetEventSlim(initialState: false, spinCount: 0);
        }
    }

    /// <summary>The waiting thread, before its last look at the buffer: from now on a publisher wakes it.</summary>
    /// <remarks>A full fence, so that look sees every change whose publisher found no waiter.</remarks>
    public void BeginWait() => Interlocked.Exchange(ref _waiting, 1);

    /// <summary>The waiting thread found something on its last look: nobody needs to wake it.</summary>
    public void CancelWait() => Volatile.Write(ref _waiting, 0);

    /// <summary>Blocks until <see cref="WakeIfWaiting"/> or <see cref="Wake"/> (at once for a wake-up that came meanwhile).</summary>
    /// <exception cref="BpfException">epoll_wait failed; the caller ends the stream with it.</exception>
    public void Wait()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = _eventFd!.PollOnce(Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed while waiting: the caller looks at the buffer again and finds it closed.
            }
        }
        else
        {
            _event!.Wait();
            _event.Reset();
        }

        Volatile.Write(ref _waiting, 0);
    }

    /// <summary>After publishing: wakes the thread if it announced a wait and nobody woke it yet.</summary>
    /// <remarks>
    /// The exchange is a full fence: the publisher's buffer writes are visible before it reads the flag, so either it
    /// sees the flag or the waiter's last look sees the writes (the waiter sets the flag, with a fence, before looking).
    /// </remarks>
    public void WakeIfWaiting()
    {
        if (Interlocked.Exchange(ref _waiting, 0) != 0)
        {
            Wake();
        }
    }

    /// <summary>Wakes the thread whether or not it waits (the stream ended); a later wait returns at once.</summary>
    public void Wake()
    {
        if (OperatingSystem.IsLinux())
        {
            _eventFd!.Wake();
        }
        else
        {
            try
            {
                _event!.Set();
            }
            catch (ObjectDisposedException)
            {
                // The pump ended and closed it (as the eventfd's Wake does nothing once closed).
            }
        }
    }

    /// <summary>Closes the eventfd and epoll descriptors (or the event); a later <see cref="Wake"/> does nothing.</summary>
    public void Dispose()
    {
        if (OperatingSystem.IsLinux())
        {
            _eventFd!.Dispose();
        }
        else
        {
            _event!.Dispose();
        }
    }
}
