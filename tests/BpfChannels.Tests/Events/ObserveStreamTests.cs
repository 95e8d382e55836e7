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

    private unsafe struct TooLarge
    {
        public fixed byte Bytes[4096];
    }
}
