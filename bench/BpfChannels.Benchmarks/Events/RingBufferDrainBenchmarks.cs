using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BpfChannels.Events;

namespace BpfChannels.Benchmarks.Events;

/// <summary>
/// Draining a ring buffer pre-filled by a BPF program with 500,000 records of 64 bytes: the C reader of the same
/// mmap (the baseline) against the span callback, the typed callback and the IObservable stream. Times are per
/// record (OperationsPerInvoke), so the ratio column is C's records per second over the reader's.
/// </summary>
[Config(typeof(SyscallBenchmarkConfig))]
[InvocationCount(1)]
public class RingBufferDrainBenchmarks
{
    private RingBufferFill _fill = null!;
    private RingBufferReader _reader = null!;
    private nint _native;
    private RecordHandler _spanHandler = null!;
    private RecordHandler<Record64> _typedHandler = null!;
    private ulong _sum;

    [GlobalSetup]
    public void Setup()
    {
        _fill = new RingBufferFill();
        _reader = new RingBufferReader(_fill.Map);
        _native = EventsNative.Open(_fill.Map.Handle.FileDescriptor, (uint)_fill.Map.MaxEntries);
        if (_native == 0)
        {
            throw new InvalidOperationException($"The C baseline could not map the ring buffer (errno {Marshal.GetLastPInvokeError()}).");
        }

        _spanHandler = record => _sum += MemoryMarshal.Read<ulong>(record);
        _typedHandler = (in Record64 record) => _sum += record.Seq;
    }

    [IterationSetup]
    public void Fill() => _fill.Fill();

    [GlobalCleanup]
    public void Cleanup()
    {
        EventsNative.Close(_native);
        _reader.Dispose();
        _fill.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RingBufferFill.Records, Description = "C libbpf-style drain")]
    public unsafe ulong C()
    {
        ulong sum = 0;
        long count = EventsNative.Drain(_native, &sum);
        return Check(count, sum);
    }

    [Benchmark(OperationsPerInvoke = RingBufferFill.Records, Description = "RingBufferReader.Consume(span)")]
    public ulong Span()
    {
        _sum = 0;
        return Check(_reader.Consume(_spanHandler), _sum);
    }

    [Benchmark(OperationsPerInvoke = RingBufferFill.Records, Description = "RingBufferReader.Consume(ref IRecordHandler)")]
    public ulong StructHandler()
    {
        var handler = new SumHandler();
        return Check(_reader.Consume(ref handler), handler.Sum);
    }

    [Benchmark(OperationsPerInvoke = RingBufferFill.Records, Description = "RingBufferReader.Consume<T>(in T)")]
    public ulong Typed()
    {
        _sum = 0;
        return Check(_reader.Consume(_typedHandler), _sum);
    }

    [Benchmark(OperationsPerInvoke = RingBufferFill.Records, Description = "Observe<T>().Subscribe")]
    public ulong Observable()
    {
        ulong sum = 0;
        int count = 0;
        using var done = new ManualResetEventSlim();
        using (_reader.Observe<Record64>().Subscribe(record =>
        {
            sum += record.Seq;
            if (++count == RingBufferFill.Records)
            {
                done.Set();
            }
        }))
        {
            done.Wait();
        }

        return Check(count, sum);
    }

    // The fill program writes seq = 0 .. Records-1, so every correct drain sums to the same value.
    private static ulong Check(long count, ulong sum)
    {
        const ulong Expected = (ulong)RingBufferFill.Records * (RingBufferFill.Records - 1) / 2;
        return count == RingBufferFill.Records && sum == Expected
            ? sum
            : throw new InvalidOperationException($"Drained {count} records summing to {sum}, expected {RingBufferFill.Records} summing to {Expected}.");
    }

    private struct SumHandler : IRecordHandler
    {
        public ulong Sum;

        public void OnRecord(ReadOnlySpan<byte> record) => Sum += MemoryMarshal.Read<ulong>(record);
    }

    [StructLayout(LayoutKind.Sequential, Size = RingBufferFill.RecordSize)]
    private struct Record64
    {
        public ulong Seq;
    }
}
