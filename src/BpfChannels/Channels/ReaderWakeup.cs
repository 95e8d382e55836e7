using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// Wakes the one thread that waits for a reader's changes (an <c>Observe</c> pump), and only when it waits: the thread
/// announces itself (<see cref="BeginWait"/>), looks at the buffer once more, then blocks; the publisher wakes it
/// after a whole delivery and every half buffer within one (<see cref="WakeIfWaiting"/>), so a poll of a thousand
/// changes costs one wake-up or a few, and a change published while the pump is busy costs none.
/// </summary>
/// <remarks>
/// <para>On Linux the thread sleeps in futex(2) on a word of its own: a wake-up is one syscall on each side (epoll on an
/// eventfd costs the sleeper a second one, to read the eventfd back, and two descriptors per reader), and the waker
/// holds no lock the woken thread needs. A monitor-based event (what <see cref="ManualResetEventSlim"/> does) wakes
/// its waiter while holding the monitor the waiter must take back, so on a machine where the waiter runs at once the
/// two threads hand the lock back and forth, a context switch and a futex call each, for every change. Elsewhere (the
/// in-memory twin on another system) the same word is used and the thread blocks on a <see cref="ManualResetEventSlim"/>.</para>
/// <para>The word is <see cref="Idle"/>, <see cref="Waiting"/> (the thread announced a wait and may sleep) or
/// <see cref="Woken"/> (a <see cref="Wake"/> came while nobody waited: the next wait returns at once). It lives in
/// the pinned object heap and holds no descriptor, so a waker that races the pump's end touches memory that is still
/// this object's. Created with the reader, before it subscribes; thread-safe.</para>
/// </remarks>
internal sealed unsafe class ReaderWakeup : IDisposable
{
    private const int Idle = 0;
    private const int Waiting = 1;
    private const int Woken = 2;

    private readonly int[] _word = GC.AllocateArray<int>(1, pinned: true);
    private readonly ManualResetEventSlim? _event; // where there is no futex: what the waiting thread blocks on
    private long _wakes;

    public ReaderWakeup()
    {
        if (!UsesFutex)
        {
            _event = new ManualResetEventSlim(initialState: false, spinCount: 0);
        }
    }

    /// <summary>The number of times a waiting thread was woken (or a wake-up was left for its next wait).</summary>
    internal long Wakes => Interlocked.Read(ref _wakes);

    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    private static bool UsesFutex => OperatingSystem.IsLinux() && Interop.Futex.IsSupported;

    private ref int Word => ref MemoryMarshal.GetArrayDataReference(_word);

    /// <summary>The waiting thread, before its last look at the buffer: from now on a publisher wakes it.</summary>
    /// <remarks>A full fence, so that look sees every change whose publisher found no waiter. A wake-up left by <see cref="Wake"/> stays: the wait after the look returns at once.</remarks>
    public void BeginWait() => _ = Interlocked.CompareExchange(ref Word, Waiting, Idle);

    /// <summary>The waiting thread found something on its last look: nobody needs to wake it.</summary>
    public void CancelWait() => _ = Interlocked.CompareExchange(ref Word, Idle, Waiting);

    /// <summary>Blocks until <see cref="WakeIfWaiting"/> or <see cref="Wake"/> (at once for a wake-up that came meanwhile).</summary>
    /// <exception cref="BpfException">futex(2) failed other than by a signal or a changed word; the caller ends the stream with it.</exception>
    public void Wait()
    {
        // A spurious return (a signal, a wake-up meant for an earlier wait, an event left set) finds the word still
        // Waiting and sleeps again.
        while (Volatile.Read(ref Word) == Waiting)
        {
            if (UsesFutex)
            {
                int errno = Interop.Futex.Wait((int*)Unsafe.AsPointer(ref Word), Waiting);
                if (errno is not (0 or Interop.Errno.EAGAIN or Interop.Errno.EINTR))
                {
                    throw BpfErrors.Create(errno, BpfCommand.Futex, null);
                }
            }
            else
            {
                _event!.Wait();
                _event.Reset();
            }
        }

        Volatile.Write(ref Word, Idle);
    }

    /// <summary>After publishing: wakes the thread if it announced a wait and nobody woke it yet.</summary>
    /// <remarks>
    /// The exchange is a full fence: the publisher's buffer writes are visible before it reads the word, so either it
    /// sees the wait or the waiter's last look sees the writes (the waiter announces, with a fence, before looking).
    /// </remarks>
    public void WakeIfWaiting()
    {
        if (Interlocked.CompareExchange(ref Word, Idle, Waiting) == Waiting)
        {
            Signal();
        }
    }

    /// <summary>Wakes the thread whether or not it waits (the stream ended); a later wait returns at once.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref Word, Woken) == Waiting)
        {
            Signal();
        }
        else
        {
            Interlocked.Increment(ref _wakes);
        }
    }

    /// <summary>Releases the event where there is no futex; the futex word needs nothing (a later <see cref="Wake"/> is harmless).</summary>
    public void Dispose() => _event?.Dispose();

    private void Signal()
    {
        Interlocked.Increment(ref _wakes);
        if (UsesFutex)
        {
            Interop.Futex.Wake((int*)Unsafe.AsPointer(ref Word));
            return;
        }

        try
        {
            _event!.Set();
        }
        catch (ObjectDisposedException)
        {
            // The pump ended and closed it.
        }
    }
}
