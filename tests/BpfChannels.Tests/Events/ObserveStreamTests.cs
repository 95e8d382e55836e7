using BpfChannels.Events;

namespace BpfChannels.Tests.Events;

/// <summary>
/// An observable stream over several drains: every record arrives once and in order, and a record the stream
/// cannot read as its type ends it with the error.
/// </summary>
public sealed class ObserveStreamTests
{
    [Fact]
    public void Observe_SeveralDrains_EveryRecordArrivesOnceInOrder()
    {
        using var ring = new RingEmitter();
        const int PerEmit = 3000;
        const int Emits = 4;
        var seqs = new List<ulong>();
        using var done = new ManualResetEventSlim();
        using (ring.Reader.Observe<RingRecord>().Subscribe(r =>
        {
            Assert.True(r.IsIntact());
            seqs.Add(r.Seq);
            if (seqs.Count == PerEmit * Emits)
            {
                done.Set();
            }
        }))
        {
            for (int i = 0; i < Emits; i++)
            {
                ring.Emit((ulong)(i * PerEmit), PerEmit);
            }

            Assert.True(done.Wait(Polling.Deadline), $"only {seqs.Count} of {PerEmit * Emits} records arrived");
        }

        Assert.Equal(Enumerable.Range(0, PerEmit * Emits).Select(i => (ulong)i), seqs);
    }

    [Fact]
    public void Observe_RecordsShorterThanType_EndsWithInvalidDataError()
    {
        using var ring = new RingEmitter();
        ring.Emit(0, 10);
        Exception? error = null;
        int received = 0;
        using var ended = new ManualResetEventSlim();
        using (ring.Reader.Observe<TooLarge>().Subscribe(
            _ => received++,
            e =>
            {
                error = e;
                ended.Set();
            }))
        {
            Assert.True(ended.Wait(Polling.Deadline), "the stream did not end");
        }

        Assert.IsType<InvalidDataException>(error);
        Assert.Equal(0, received);
    }

    [Fact]
    public void Observe_OnNextThrows_ObserverIsDetachedAndGetsNoError()
    {
        using var ring = new RingEmitter();
        ring.Emit(0, 100);
        int received = 0;
        int errors = 0;
        using var threw = new ManualResetEventSlim();
        using (ring.Reader.Observe<RingRecord>().Subscribe(
            r =>
            {
                if (++received == 10)
                {
                    threw.Set();
                    throw new InvalidOperationException("handler failure");
                }
            },
            _ => errors++))
        {
            Assert.True(threw.Wait(Polling.Deadline), "no record arrived");

            // More records: a detached observer must not see them.
            ring.Emit(100, 100);
            Thread.Sleep(100);
        }

        Assert.Equal(10, received);
        Assert.Equal(0, errors);
    }

    [Fact]
    public void Observe_DisposedInsideOnNext_NothingMoreIsDelivered()
    {
        using var ring = new RingEmitter();
        ring.Emit(0, 1000);
        int received = 0;
        bool completed = false;
        using var disposed = new ManualResetEventSlim();
        IDisposable? subscription = null;
        subscription = ring.Reader.Observe<RingRecord>().Subscribe(
            r =>
            {
                if (++received == 5)
                {
                    // The first Subscribe may not have returned yet; wait for it, as a real subscriber would.
                    SpinWait.SpinUntil(() => Volatile.Read(ref subscription) is not null);
                    subscription!.Dispose();
                    disposed.Set();
                }
            },
            () => completed = true);

        Assert.True(disposed.Wait(Polling.Deadline), "no record arrived");
        ring.Emit(1000, 100);
        Thread.Sleep(100);
        subscription.Dispose(); // from this thread: waits for the loop thread, which closes its epoll and eventfd

        Assert.Equal(5, received);
        Assert.False(completed);
    }

    [Fact]
    public void Observe_DisposedInsideOnError_ReturnsWithoutWaitingForItsOwnThread()
    {
        using var ring = new RingEmitter();
        ring.Emit(0, 10);
        IDisposable? subscription = null;
        Exception? error = null;
        using var returned = new ManualResetEventSlim();
        subscription = ring.Reader.Observe<TooLarge>().Subscribe(
            _ => { },
            e =>
            {
                error = e;
                SpinWait.SpinUntil(() => Volatile.Read(ref subscription) is not null);

                // On the loop thread: waiting for that thread here would never return.
                subscription!.Dispose();
                returned.Set();
            });

        Assert.True(returned.Wait(Polling.Deadline), "Dispose inside OnError did not return");
        subscription.Dispose(); // from this thread: waits for the loop thread, which has ended
        Assert.IsType<InvalidDataException>(error);
    }

    [Fact]
    public void Observe_NullObserver_ThrowsBeforeStarting()
    {
        using var ring = new RingEmitter();
        Assert.Throws<ArgumentNullException>(() => ring.Reader.Observe<RingRecord>().Subscribe((IObserver<RingRecord>)null!));
    }

    private unsafe struct TooLarge
    {
        public fixed byte Bytes[4096];
    }
}
