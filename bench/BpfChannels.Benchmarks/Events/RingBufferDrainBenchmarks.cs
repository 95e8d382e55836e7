using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BpfChannels.Events;

namespace BpfChannels.Benchmarks.Events;

/// <summary>
/// Draining a ring buffer pre-filled by a BPF program with 500,000 records of 64 bytes: libbpf's own
/// <c>ring_buffer__consume</c> on a <c>ring_buffer__new</c> of the same map (the baseline) and a hand-written C
/// copy of libbpf's loop against the span callback, the struct handler, the typed callback and the IObservable
/// stream. Times are per record (OperationsPerInvoke); the "Rate vs baseline" column is libbpf's median time over
/// each reader's, i.e. the reader's records per second as a multiple of libbpf's (the targets: 0.95x for the span
/// callback and the struct handler, 0.9x typed, 0.35x IObservable).
/// </summary>
[Config(typeof(RateConfig))]
[InvocationCount(1)]
public class RingBufferDrainBenchmarks
{
    private RingBufferFill _fill = null!;
    private RingBufferReader _reader = null!;
    private nint _native;
    private nint _libbpf;
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

        _libbpf = EventsNative.OpenLibbpf(_fill.Map.Handle.FileDescriptor);
        if (_libbpf == 0)
        {
            throw new InvalidOperationException($"libbpf's ring_buffer__new failed on the ring buffer (errno {Marshal.GetLastPInvokeError()}).");
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
        EventsNative.CloseLibbpf(_libbpf);
        _reader.Dispose();
        _fill.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RingBufferFill.Records, Description = "C libbpf ring_buffer__consume")]
    public unsafe ulong Libbpf()
    {
        ulong sum = 0;
        long count = EventsNative.DrainLibbpf(_libbpf, &sum);
        return Check(count, sum);
    }

    [Benchmark(OperationsPerInvoke = RingBufferFill.Records, Description = "C libbpf-style drain (hand-written)")]
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

    private sealed class RateConfig : ManualConfig
    {
        public RateConfig()
        {
            Add(new SyscallBenchmarkConfig());
            AddColumn(MedianRatioColumn.Rate);
        }
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
