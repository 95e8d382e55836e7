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
/// in-memory twin on another system) it is a <see cref="ManualResetEventSlim"/>.</para>
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

    private readonly int[]? _word;
    private readonly ManualResetEventSlim? _event;
    private int _waiting; // where there is no futex: 1 while the thread announced a wait
    private long _wakes;

    public ReaderWakeup()
    {
        if (OperatingSystem.IsLinux() && Interop.Futex.IsSupported)
        {
            _word = GC.AllocateArray<int>(1, pinned: true);
        }
        else
        {
            _event = new ManualResetEventSlim(initialState: false, spinCount: 0);
        }
    }

    /// <summary>The number of times a waiting thread was woken (or a wake-up was left for its next wait).</summary>
    internal long Wakes => Interlocked.Read(ref _wakes);

    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    private bool UsesFutex => _word is not null;

    private int* Word => (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_word!));

    /// <summary>The waiting thread, before its last look at the buffer: from now on a publisher wakes it.</summary>
    /// <remarks>A full fence, so that look sees every change whose publisher found no waiter.</remarks>
    public void BeginWait()
    {
        if (UsesFutex)
        {
            // A wake-up left by Wake stays: the wait after this look returns at once.
            _ = Interlocked.CompareExchange(ref *Word, Waiting, Idle);
        }
        else
        {
            Interlocked.Exchange(ref _waiting, 1);
        }
    }

    /// <summary>The waiting thread found something on its last look: nobody needs to wake it.</summary>
    public void CancelWait()
    {
        if (UsesFutex)
        {
            _ = Interlocked.CompareExchange(ref *Word, Idle, Waiting);
        }
        else
        {
            Volatile.Write(ref _waiting, 0);
        }
    }

    /// <summary>Blocks until <see cref="WakeIfWaiting"/> or <see cref="Wake"/> (at once for a wake-up that came meanwhile).</summary>
    /// <exception cref="BpfException">futex(2) failed other than by a signal or a changed word; the caller ends the stream with it.</exception>
    public void Wait()
    {
        if (UsesFutex)
        {
            int* word = Word;

            // A spurious return (a signal, a wake-up meant for an earlier wait) finds the word still Waiting and sleeps again.
            while (Volatile.Read(ref *word) == Waiting)
            {
                int errno = Interop.Futex.Wait(word, Waiting);
                if (errno is not (0 or Interop.Errno.EAGAIN or Interop.Errno.EINTR))
                {
                    throw BpfErrors.Create(errno, BpfCommand.Futex, null);
                }
            }

            Volatile.Write(ref *word, Idle);
            return;
        }

        _event!.Wait();
        _event.Reset();
        Volatile.Write(ref _waiting, 0);
    }

    /// <summary>After publishing: wakes the thread if it announced a wait and nobody woke it yet.</summary>
    /// <remarks>
    /// The exchange is a full fence: the publisher's buffer writes are visible before it reads the word, so either it
    /// sees the wait or the waiter's last look sees the writes (the waiter announces, with a fence, before looking).
    /// </remarks>
    public void WakeIfWaiting()
    {
        if (UsesFutex)
        {
            if (Interlocked.CompareExchange(ref *Word, Idle, Waiting) == Waiting)
            {
                Interlocked.Increment(ref _wakes);
                Interop.Futex.Wake(Word);
            }
        }
        else if (Interlocked.Exchange(ref _waiting, 0) != 0)
        {
            Wake();
        }
    }

    /// <summary>Wakes the thread whether or not it waits (the stream ended); a later wait returns at once.</summary>
    public void Wake()
    {
        Interlocked.Increment(ref _wakes);
        if (UsesFutex)
        {
            if (Interlocked.Exchange(ref *Word, Woken) == Waiting)
            {
                Interop.Futex.Wake(Word);
            }

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

    /// <summary>Releases the event where there is no futex; the futex word needs nothing (a later <see cref="Wake"/> is harmless).</summary>
    public void Dispose() => _event?.Dispose();
}
