using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// Watching a big hash while a program changes 1,000 keys a second through the bpfchan_update wrapper: a notified
/// channel, a polled channel at 1 s, and the C baseline (libbpf's ring_buffer__poll plus bpf_map_lookup_elem per
/// notice) side by side, and the notified channel with an inline struct handler (Subscribe: no buffer, no
/// thread hop), and with an inline observer (ObserveInline: the same, for Rx). One operation is one second of that workload. What matters is printed when each benchmark
/// ends: the watching side's CPU (the process's CPU time minus the driving thread's, and the watching threads'
/// own clocks, as a share of one core), the latency from the program's bpf_ktime_get_ns() stamp in the value to
/// the handler's CLOCK_MONOTONIC reading (median, p99), the bytes the delivering thread allocated per change
/// (inline handler), and what one reconciliation (a full read and diff) of the map costs. The notified
/// channels' final state is checked against a full read.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public unsafe class NotifiedChannelBenchmarks
{
    /// <summary>The rate the program changes keys at.</summary>
    internal const int ChangesPerSecond = NotifiedWorkload.ChangesPerSecond;

    private readonly long[] _latencies = new long[1 << 20];
    private readonly List<double> _cpuShares = [];
    private readonly List<double> _watcherShares = [];
    private readonly List<double> _noticeShares = [];
    private BpfObject _object = null!;
    private BpfMap _map = null!;
    private BpfProgram _change = null!;
    private MapChangeNotifier? _notifier;
    private MapChannel<uint, Stamped>? _channel;
    private IDisposable? _subscription;
    private Thread? _poller;
    private volatile bool _stopPolling;
    private ulong _seq;
    private int _count;
    private long _listed;
    private long _firstAllocated = -1;
    private long _lastAllocated;
    private int _allocatedChanges;
    private string _method = string.Empty;

    /// <summary>The map's size: the polled channel's cost grows with it, the notified one's should not.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup(Target = nameof(Notified))]
    public void SetupNotified()
    {
        _method = nameof(Notified);
        OpenNotified();
        Subscribe();
    }

    [GlobalSetup(Target = nameof(Inline))]
    public void SetupInline()
    {
        _method = nameof(Inline);
        OpenNotified();
        _subscription = _channel!.Subscribe(new LatencyHandler(this));
    }

    [GlobalSetup(Target = nameof(ObservedInline))]
    public void SetupObservedInline()
    {
        _method = nameof(ObservedInline);
        OpenNotified();
        _subscription = _channel!.ObserveInline().Subscribe(OnObserved);
    }

    [GlobalSetup(Target = nameof(Polled))]
    public void SetupPolled()
    {
        _method = nameof(Polled);
        Open();
        _channel = new MapChannel<uint, Stamped>(new BpfMap<uint, Stamped>(_map), new MapChannelOptions { SubscriberCapacity = 1 << 16 });
        Subscribe();
        _poller = new Thread(() =>
        {
            while (!_stopPolling)
            {
                Thread.Sleep(1000);
                _ = _channel.Poll();
            }
        }) { IsBackground = true, Name = "bench poller" };
        _poller.Start();
    }

    [GlobalSetup(Target = nameof(NativeLibbpf))]
    public void SetupNative()
    {
        _method = nameof(NativeLibbpf);
        Open();
    }

    [Benchmark(Description = "notified channel, 1,000 changes/s for 1 s")]
    public void Notified() => Drive();

    [Benchmark(Description = "notified channel, inline struct handler, 1,000 changes/s for 1 s")]
    public void Inline() => Drive();

    [Benchmark(Description = "notified channel, ObserveInline, 1,000 changes/s for 1 s")]
    public void ObservedInline() => Drive();

    [Benchmark(Description = "polled channel at 1 s, 1,000 changes/s for 1 s")]
    public void Polled() => Drive();

    [Benchmark(Baseline = true, Description = "C: ring_buffer__poll + lookup, 1,000 changes/s for 1 s")]
    public void NativeLibbpf()
    {
        fixed (long* latencies = _latencies)
        {
            nint handle = NotifiedNative.Start(_object.GetMap(MapChangeNotifier.RingName).Handle.FileDescriptor, _map.Handle.FileDescriptor, latencies + _count, (nuint)(_latencies.Length - _count));
            if (handle == 0)
            {
                throw new InvalidOperationException($"The C baseline did not start: errno {Marshal.GetLastPInvokeError()}.");
            }

            Drive();
            Thread.Sleep(10); // the last notices
            _count += (int)NotifiedNative.Stop(handle, out _, out _);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopPolling = true;
        _poller?.Join();
        if (_channel is { Mode: MapChannelMode.Notified } channel)
        {
            CheckFinalState(channel);
            ReportReconciliation(channel);
        }

        _subscription?.Dispose();

        _channel?.CompleteAsync().GetAwaiter().GetResult();
        _notifier?.Dispose();
        _object.Dispose();
        Report();
    }

    /// <summary>The object, its notifier and a notified channel whose reconcile interval is an hour: the cost of notices alone (a reconciliation costs a poll, reported apart).</summary>
    private void OpenNotified()
    {
        Open();
        _notifier = new MapChangeNotifier(_object.GetMap(MapChangeNotifier.RingName), _object.GetMap(MapChangeNotifier.LostCounterName));
        _channel = new MapChannel<uint, Stamped>(new BpfMap<uint, Stamped>(_map), new MapChannelOptions
        {
            Mode = MapChannelMode.Notified,
            ChangeNotifier = _notifier,
            ReconcileInterval = TimeSpan.FromHours(1),
            SubscriberCapacity = 1 << 16,
        });
    }

    private void Open()
    {
        _object = NotifiedWorkload.Open(Entries, out _map, out _change);
        _count = 0;
        _listed = 0;
        _firstAllocated = -1;
        _allocatedChanges = 0;
        _cpuShares.Clear();
        _watcherShares.Clear();
        _noticeShares.Clear();
    }

    /// <summary>Subscribes an observer and waits for its listing: changes queued behind a listing of 1,000,000 entries would wait for it, which is not the notices' latency.</summary>
    private void Subscribe()
    {
        _subscription = _channel!.Observe().Subscribe(OnObserved);
        if (!SpinWait.SpinUntil(() => Interlocked.Read(ref _listed) >= _channel.Count, TimeSpan.FromMinutes(1)))
        {
            throw new InvalidOperationException("The observer's listing did not arrive.");
        }
    }

    private void OnObserved(MapChange<uint, Stamped> change)
    {
        long now = Stopwatch.GetTimestamp(); // CLOCK_MONOTONIC in nanoseconds on Linux, like bpf_ktime_get_ns
        if (change.Kind == MapChangeKind.Added)
        {
            Interlocked.Increment(ref _listed);
        }
        else if (change.Kind == MapChangeKind.Updated && change.Value.Stamp != 0)
        {
            Record(now - (long)change.Value.Stamp);
        }
    }

    private void Record(long latency)
    {
        int index = Interlocked.Increment(ref _count) - 1;
        if (index < _latencies.Length)
        {
            _latencies[index] = latency;
        }
    }

    /// <summary>The inline handler: latency, and the delivering thread's allocation counter after the listing.</summary>
    private readonly struct LatencyHandler(NotifiedChannelBenchmarks bench) : IMapChangeHandler<uint, Stamped>
    {
        public void OnChange(MapChangeKind kind, in uint key, in Stamped value, in Stamped previous)
        {
            long now = Stopwatch.GetTimestamp();
            if (kind == MapChangeKind.Updated && value.Stamp != 0)
            {
                bench.Record(now - (long)value.Stamp);
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                if (bench._firstAllocated < 0)
                {
                    bench._firstAllocated = allocated;
                }

                bench._lastAllocated = allocated;
                bench._allocatedChanges++;
            }
        }
    }

    /// <summary>What a reconciliation costs: a full read and diff of the whole map (what a poll does), timed five times.</summary>
    private void ReportReconciliation(MapChannel channel)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            long thread = NotifiedWorkload.ThreadCpu();
            long start = Stopwatch.GetTimestamp();
            _ = channel.Poll();
            wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            cpu.Add((NotifiedWorkload.ThreadCpu() - thread) / 1e6);
        }

        wall.Sort();
        cpu.Sort();
        Console.WriteLine($"// one reconciliation of {Entries} entries: median {wall[2]:F2} ms wall, {cpu[2]:F2} ms CPU; at a reconcile interval of 30 s that is {cpu[2] / 300:F3}% of one core, at 1 s {cpu[2] / 10:F2}%");
    }

    /// <summary>One second of 1,000 changes a second, paced by the clock; records the watching side's CPU share.</summary>
    private void Drive()
    {
        (double process, double watchers, double notices) = NotifiedWorkload.Drive(_change, Entries, ref _seq);
        _cpuShares.Add(process);
        _watcherShares.Add(watchers);
        _noticeShares.Add(notices);
    }

    private void CheckFinalState(MapChannel<uint, Stamped> channel)
    {
        // The notices still in flight land first; then the channel's state must be what a full read says.
        Thread.Sleep(200);
        int wrong = NotifiedWorkload.Differences(channel, _map);
        Console.WriteLine(wrong == 0
            ? $"// final state: {channel.Count} entries, identical to a full read ({channel.Notices} notices, {channel.ReconciledChanges} found by reconciliation)"
            : $"// final state DIFFERS from a full read in {wrong} entries");
    }

    private void Report()
    {
        if (_allocatedChanges > 1)
        {
            Console.WriteLine($"// inline handler: the notice thread allocated {(double)(_lastAllocated - _firstAllocated) / (_allocatedChanges - 1):F2} B per change over {_allocatedChanges} changes");
        }

        int n = Math.Min(_count, _latencies.Length);
        Span<long> sorted = _latencies.AsSpan(0, n);
        sorted.Sort();
        _watcherShares.Sort();
        if (_watcherShares.Count > 0)
        {
            NotifiedChannelColumn.Results[(_method, Entries)] = new NotifiedFigures(
                _watcherShares[_watcherShares.Count / 2],
                n == 0 ? double.NaN : sorted[n / 2] / 1000.0,
                n == 0 ? double.NaN : sorted[(int)(n * 0.99)] / 1000.0);
        }

        _cpuShares.Sort();
        string cpu = _cpuShares.Count == 0 ? "n/a" : $"median {_cpuShares[_cpuShares.Count / 2] * 100:F2}% of one core (min {_cpuShares[0] * 100:F2}%, max {_cpuShares[^1] * 100:F2}%, {_cpuShares.Count} runs)";
        Console.WriteLine($"// watching CPU at {ChangesPerSecond} changes/s over {Entries} entries: {cpu}");
        if (_watcherShares.Count > 0)
        {
            double median = _watcherShares[_watcherShares.Count / 2];
            Console.WriteLine($"// watching threads' CPU: median {median * 100:F2}% of one core = {median * 1e6 / ChangesPerSecond:F1} us per change (min {_watcherShares[0] * 100:F2}%, max {_watcherShares[^1] * 100:F2}%)");
            _noticeShares.Sort();
            Console.WriteLine($"//   of which the notifier's thread: median {_noticeShares[_noticeShares.Count / 2] * 100:F2}% (the rest: observer pumps, the polling thread, the C thread)");
        }
        if (n == 0)
        {
            return;
        }

        Console.WriteLine($"// write-to-handler latency over {n} changes: median {sorted[n / 2] / 1000.0:F1} us, p99 {sorted[(int)(n * 0.99)] / 1000.0:F1} us, max {sorted[n - 1] / 1000.0:F1} us");
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Each operation is a one-second run: a few of them, no unrolling. In process: nothing to build (a
            // generated project's build times out on a loaded machine), and the harness sleeps during each run.
            AddColumn(NotifiedChannelColumn.All);
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
        }
    }
}

/// <summary>native/notified_baseline.c, and clock_gettime for the driving thread's CPU time.</summary>
internal static unsafe partial class NotifiedNative
{
    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_notify_start", SetLastError = true)]
    internal static partial nint Start(int ringFd, int mapFd, long* latencies, nuint capacity);

    [LibraryImport(NativeBaseline.Library, EntryPoint = "bench_notify_stop")]
    internal static partial nuint Stop(nint handle, out ulong cpuNanoseconds, out ulong lookups);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    internal static partial int ClockGetTime(int clock, Timespec* time);
}
