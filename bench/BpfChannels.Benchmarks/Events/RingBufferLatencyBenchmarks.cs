using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BpfChannels.Events;

namespace BpfChannels.Benchmarks.Events;

/// <summary>
/// Event-to-subscriber latency: each operation runs a program that commits one record stamped with
/// bpf_ktime_get_ns() and waits until the subscriber (an epoll loop thread) has it. The measured time is
/// the whole round trip (test-run syscall, wakeup, epoll_wait return, drain, handler); the kernel-to-handler
/// part, from the stamp to the handler's own CLOCK_MONOTONIC reading, is printed as median and p99 when
/// each benchmark ends.
/// </summary>
[Config(typeof(LatencyConfig))]
public class RingBufferLatencyBenchmarks
{
    private readonly ManualResetEventSlim _received = new();
    private readonly long[] _latencies = new long[1 << 22];
    private RingBufferFill _fill = null!;
    private RingBufferReader _reader = null!;
    private EventLoop? _loop;
    private Thread? _thread;
    private CancellationTokenSource? _stop;
    private IDisposable? _subscription;
    private int _count;

    [GlobalSetup(Target = nameof(SpanCallback))]
    public void SetupLoop()
    {
        Open();
        _loop = new EventLoop();
        _loop.Add(_reader, record => Received(MemoryMarshal.Read<ulong>(record)));
        _stop = new CancellationTokenSource();
        CancellationToken token = _stop.Token;
        _thread = new Thread(() => _loop.Run(token)) { IsBackground = true, Name = "latency event loop" };
        _thread.Start();
    }

    [GlobalSetup(Target = nameof(Observable))]
    public void SetupObservable()
    {
        Open();
        _subscription = _reader.Observe<ulong>().Subscribe(Received);
    }

    [Benchmark(Description = "stamp -> EventLoop span handler")]
    public void SpanCallback() => RoundTrip();

    [Benchmark(Description = "stamp -> IObservable<T> OnNext")]
    public void Observable() => RoundTrip();

    [GlobalCleanup]
    public void Cleanup()
    {
        _subscription?.Dispose();
        _stop?.Cancel();
        _thread?.Join();
        _loop?.Dispose();
        _stop?.Dispose();
        _reader.Dispose();
        _fill.Dispose();
        Report();
    }

    private void Open()
    {
        _fill = new RingBufferFill();
        _reader = new RingBufferReader(_fill.Map);
    }

    private void RoundTrip()
    {
        _received.Reset();
        _fill.Stamp();
        _received.Wait();
    }

    private void Received(ulong stamp)
    {
        long now = Stopwatch.GetTimestamp(); // CLOCK_MONOTONIC in nanoseconds on Linux, like bpf_ktime_get_ns
        int index = _count++;
        if (index < _latencies.Length)
        {
            _latencies[index] = now - (long)stamp;
        }

        _received.Set();
    }

    private void Report()
    {
        int n = Math.Min(_count, _latencies.Length);
        if (n == 0)
        {
            return;
        }

        Span<long> sorted = _latencies.AsSpan(0, n);
        sorted.Sort();
        Console.WriteLine($"// kernel-to-handler latency over {n} events: median {sorted[n / 2] / 1000.0:F1} us, p99 {sorted[(int)(n * 0.99)] / 1000.0:F1} us, max {sorted[n - 1] / 1000.0:F1} us");
    }

    private sealed class LatencyConfig : ManualConfig
    {
        public LatencyConfig()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Max);
        }
    }
}
