using System.Threading.Channels;
using BpfChannels.Events;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Events;

/// <summary>The ring buffer reader against the kernel: records written by a program driven with BPF_PROG_TEST_RUN.</summary>
public sealed class RingBufferReaderTests
{
    [Fact]
    public void Constructor_MapIsNotARingBuffer_ThrowsArgumentException()
    {
        using BpfMap map = BpfMap.CreateInMemory(new BpfMapSpec { Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 });

        var e = Assert.Throws<ArgumentException>(() => new RingBufferReader(map));
        Assert.Contains("RingBuffer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consume_EmptyRingBuffer_ReturnsZeroWithoutCallingHandler()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.RingBuffer, MaxEntries = 16 * 4096 });
        using var reader = new RingBufferReader(map);
        int calls = 0;

        Assert.Equal(0, reader.Consume(_ => calls++));
        Assert.Equal(0, calls);
        Assert.Equal(0, reader.PendingBytes);
        Assert.Equal(16 * 4096, reader.Size);
    }

    [Fact]
    public async Task Consume_HalfMillionRecordsWhileProgramEmits_EveryRecordArrivesOnceInOrderIntact()
    {
        using BpfObject obj = EventPrograms.Load("ringbuf_emit");
        BpfProgram emit = obj.GetProgram("emit_records");
        using var reader = new RingBufferReader(obj.GetMap("events"));
        using var loop = new EventLoop();
        const int Total = 500_000;
        const int PerRun = 50_000;
        long received = 0;
        ulong expected = 0;
        long outOfOrder = 0;
        long corrupt = 0;
        ulong checksum = 0;
        loop.Add<RingRecord>(reader, (in RingRecord r) =>
        {
            outOfOrder += r.Seq == expected ? 0 : 1;
            corrupt += r.IsIntact() ? 0 : 1;
            checksum += r.Seq ^ r.LastWord;
            expected = r.Seq + 1;
            received++;
        });

        // The program emits from another thread while this one drains, so the reader meets records the kernel
        // is still writing (busy) and space it has to hand back before the 64 MiB buffer wraps.
        Task<uint> producer = Task.Factory.StartNew(
            () =>
            {
                uint failed = 0;
                for (int run = 0; run < Total / PerRun; run++)
                {
                    var args = new EmitArgs { Start = (ulong)(run * PerRun), Count = PerRun, DiscardEvery = 97 };
                    failed += emit.TestRun(ref args);
                }

                return failed;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Polling.Until(loop, () => received >= Total);

        Assert.Equal(0u, await producer);
        Assert.Equal(Total, received);
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, corrupt);
        ulong expectedChecksum = 0;
        for (ulong seq = 0; seq < Total; seq++)
        {
            expectedChecksum += seq ^ RingRecord.Word(seq, 6);
        }

        Assert.Equal(expectedChecksum, checksum);
        Assert.Equal(0, reader.Consume(_ => received++));
        Assert.Equal(0, reader.PendingBytes);
    }

    [Fact]
    public void Consume_SpanHandler_SkipsDiscardedAndSeesExactRecordLength()
    {
        using var ring = new RingEmitter();
        RingBufferReader reader = ring.Reader;
        ring.Emit(1000, 300, 1);
        var lengths = new HashSet<int>();
        var seqs = new List<ulong>();

        int count = reader.Consume(record =>
        {
            lengths.Add(record.Length);
            seqs.Add(BitConverter.ToUInt64(record));
        });

        Assert.Equal(300, count);
        Assert.Equal([64], lengths);
        Assert.Equal(Enumerable.Range(1000, 300).Select(i => (ulong)i), seqs);
    }

    [Fact]
    public void Consume_StructHandler_UpdatesHandlerStateInPlace()
    {
        using var ring = new RingEmitter();
        RingBufferReader reader = ring.Reader;
        ring.Emit(10, 100, 7);
        var handler = new SeqSum();

        Assert.Equal(100, reader.Consume(ref handler));

        Assert.Equal(100, handler.Count);
        Assert.Equal((ulong)Enumerable.Range(10, 100).Sum(), handler.Sum);
    }

    [Fact]
    public void PollOnce_TwoRingBuffersInOneLoop_EachHandlerGetsOnlyItsRecords()
    {
        using BpfObject obj = EventPrograms.Load("ringbuf_emit");
        BpfProgram emit = obj.GetProgram("emit_records");
        using var main = new RingBufferReader(obj.GetMap("events"));
        using var side = new RingBufferReader(obj.GetMap("side_events"));
        using var loop = new EventLoop();
        var mainSeqs = new List<ulong>();
        var sideSeqs = new List<ulong>();
        loop.Add<RingRecord>(main, (in RingRecord r) => mainSeqs.Add(r.Seq));
        loop.Add<RingRecord>(side, (in RingRecord r) => sideSeqs.Add(r.Seq));
        Assert.Equal(2, loop.Count);

        var toMain = new EmitArgs { Start = 0, Count = 1000 };
        var toSide = new EmitArgs { Start = 5000, Count = 700, Target = 1 };
        Assert.Equal(0u, emit.TestRun(ref toMain));
        Assert.Equal(0u, emit.TestRun(ref toSide));
        Polling.Until(loop, () => mainSeqs.Count >= 1000 && sideSeqs.Count >= 700);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (ulong)i), mainSeqs);
        Assert.Equal(Enumerable.Range(5000, 700).Select(i => (ulong)i), sideSeqs);
    }

    [Fact]
    public void PollOnce_NothingWritten_WaitsForTimeoutAndReturnsZero()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.RingBuffer, MaxEntries = 4096 });
        using var reader = new RingBufferReader(map);
        using var loop = new EventLoop();
        loop.Add(reader, _ => { });

        Assert.Equal(0, loop.PollOnce(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void Observe_ProgramEmits_ObserverReceivesRecordsInOrder()
    {
        using var ring = new RingEmitter();
        RingBufferReader reader = ring.Reader;
        var seqs = new List<ulong>();
        using var done = new ManualResetEventSlim();
        using (reader.Observe<RingRecord>().Subscribe(r =>
        {
            seqs.Add(r.Seq);
            if (seqs.Count == 2000)
            {
                done.Set();
            }
        }))
        {
            ring.Emit(7, 2000, 3);
            Assert.True(done.Wait(Polling.Deadline), $"only {seqs.Count} of 2000 records arrived");
        }

        Assert.Equal(Enumerable.Range(7, 2000).Select(i => (ulong)i), seqs);
    }

    [Fact]
    public void Observe_ReaderDisposed_CompletesStream()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.RingBuffer, MaxEntries = 4096 });
        var reader = new RingBufferReader(map);
        using var completed = new ManualResetEventSlim();
        using IDisposable subscription = reader.Observe<long>().Subscribe(_ => { }, completed.Set);

        reader.Dispose();

        Assert.True(completed.Wait(Polling.Deadline));
    }

    [Fact]
    public async Task ReadAllAsync_ProgramEmits_EnumeratesRecordsInOrder()
    {
        using var ring = new RingEmitter();
        RingBufferReader reader = ring.Reader;
        using var cts = new CancellationTokenSource(Polling.Deadline);
        ring.Emit(100, 500);
        ulong expected = 100;

        await foreach (RingRecord record in reader.ReadAllAsync<RingRecord>(cts.Token))
        {
            Assert.Equal(expected, record.Seq);
            Assert.True(record.IsIntact());
            if (++expected == 600)
            {
                break;
            }
        }

        Assert.Equal(600UL, expected);
    }

    [Fact]
    public async Task OpenReader_ReaderDisposed_ChannelCompletes()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.RingBuffer, MaxEntries = 4096 });
        var reader = new RingBufferReader(map);
        ChannelReader<long> channel = reader.OpenReader<long>(16, TestContext.Current.CancellationToken);

        reader.Dispose();

        await channel.Completion.WaitAsync(Polling.Deadline, TestContext.Current.CancellationToken);
        Assert.False(channel.TryRead(out _));
    }

    [Fact]
    public void Consume_TypedRecordShorterThanType_ThrowsInvalidDataAndConsumesIt()
    {
        using var ring = new RingEmitter();
        RingBufferReader reader = ring.Reader;
        ring.Emit(0, 2);

        Assert.Throws<InvalidDataException>(() => reader.Consume((in Large _) => { }));

        Assert.Equal(1, reader.Consume(_ => { }));
    }

    [Fact]
    public void Consume_MeterListening_ReportsRecordsAndBytesOnBpfChannelsMeter()
    {
        using var ring = new RingEmitter();
        RingBufferReader reader = ring.Reader;
        ring.Emit(0, 250, 50);
        int thread = Environment.CurrentManagedThreadId;
        var totals = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "BpfChannels")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            // Measurements are reported on the consuming thread; other tests consume on theirs.
            if (Environment.CurrentManagedThreadId == thread && tags.Length == 1 && (string?)tags[0].Value == "events")
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        Assert.Equal(250, reader.Consume(_ => { }));

        Assert.Equal(250, totals["bpfchannels.events.records"]);
        Assert.Equal((250 + 5) * 72, totals["bpfchannels.events.bytes"]);
    }

    private struct SeqSum : IRecordHandler
    {
        public int Count;
        public ulong Sum;

        public void OnRecord(ReadOnlySpan<byte> record)
        {
            Count++;
            Sum += BitConverter.ToUInt64(record);
        }
    }

    private unsafe struct Large
    {
        public fixed byte Bytes[65];
    }
}
