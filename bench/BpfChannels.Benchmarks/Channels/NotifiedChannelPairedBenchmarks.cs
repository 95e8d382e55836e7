using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// The notified channel's CPU target paired: in this process, each round runs one second of 1,000 changes a second
/// (<see cref="NotifiedWorkload.Drive"/>) for each of four watchers in an order that rotates from round to round: the C
/// baseline (libbpf's ring_buffer__poll plus a lookup per notice, on its own copy of the object), and a notified channel
/// with an inline struct handler (<c>Subscribe</c>), with an inline observer (<c>ObserveInline</c>) and with a buffered
/// observer on its own thread (<c>Observe</c>). The figures are each watcher's CPU as a share of one core (the watching
/// threads' CPU time over the second) and its ratio to C's in the same round, as medians over the rounds with a 95%
/// confidence interval, so a machine whose load drifts moves every watcher of a round alike. Each managed watcher
/// subscribes before its second (its listing is not timed) and unsubscribes after it; the channel's final state is
/// checked against a full read. <see cref="NotifiedChannelBenchmarks"/> shows the same watchers one after another, with
/// the polled channel.
/// </summary>
[Config(typeof(Config))]
public unsafe class NotifiedChannelPairedBenchmarks
{
    private static readonly string[] Sides = ["C", "Subscribe", "ObserveInline", "Observe"];
    private readonly int[][] _orders = PairedOrders.Rotations(Sides.Length);
    private readonly long[][] _latencies = [.. Sides.Select(_ => new long[1 << 20])];
    private readonly int[] _latencyCounts = new int[Sides.Length];
    private readonly double[] _shares = new double[Sides.Length];
    private readonly List<double>[] _processShares = [.. Sides.Select(_ => new List<double>())];
    private BpfObject _managed = null!;
    private BpfObject _native = null!;
    private BpfMap _map = null!;
    private BpfProgram _change = null!;
    private BpfMap _nativeMap = null!;
    private BpfProgram _nativeChange = null!;
    private MapChangeNotifier _notifier = null!;
    private MapChannel<uint, Stamped> _channel = null!;
    private string _key = null!;
    private ulong _seq;
    private ulong _nativeSeq;
    private long _listed;
    private int _invocations;
    private int _round;
    private bool _measured;
    private int _side;

    /// <summary>The map's size: the watchers' cost should not grow with it.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _managed = NotifiedWorkload.Open(Entries, out _map, out _change);
        _native = NotifiedWorkload.Open(Entries, out _nativeMap, out _nativeChange);
        _notifier = new MapChangeNotifier(_managed.GetMap(MapChangeNotifier.RingName), _managed.GetMap(MapChangeNotifier.LostCounterName));
        _channel = new MapChannel<uint, Stamped>(new BpfMap<uint, Stamped>(_map), new MapChannelOptions
        {
            Mode = MapChannelMode.Notified,
            ChangeNotifier = _notifier,
            ReconcileInterval = TimeSpan.FromHours(1), // the cost of notices alone; a reconciliation costs a poll
            SubscriberCapacity = 1 << 16,
        });
        _key = PairedRatios.Key(typeof(NotifiedChannelPairedBenchmarks), (nameof(Entries), Entries));
        PairedRatios.Reset(
            _key,
            "Subscribe / C (CPU)", "ObserveInline / C (CPU)", "Observe / C (CPU)",
            "C (% of one core)", "Subscribe (% of one core)", "ObserveInline (% of one core)", "Observe (% of one core)");
        Array.Clear(_latencyCounts);
        foreach (List<double> shares in _processShares)
        {
            shares.Clear();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Thread.Sleep(200); // the last notices
        int wrong = NotifiedWorkload.Differences(_channel, _map);
        Console.WriteLine(wrong == 0
            ? $"// final state: {_channel.Count} entries, identical to a full read ({_channel.Notices} notices, {_channel.ReconciledChanges} found by reconciliation)"
            : $"// final state DIFFERS from a full read in {wrong} entries");
        Console.WriteLine(PairedRatios.Describe(_key));
        for (int side = 0; side < Sides.Length; side++)
        {
            (double median, double p99) = NotifiedWorkload.Percentiles(_latencies[side].AsSpan(0, Math.Min(_latencyCounts[side], _latencies[side].Length)));
            List<double> process = _processShares[side];
            process.Sort();
            string processShare = process.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{process[process.Count / 2] * 100:F2}%");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {Sides[side]} at {Entries} entries: write-to-handler latency over {_latencyCounts[side]} measured changes: median {median:F1} us, p99 {p99:F1} us; the whole process's CPU less the driving thread's, median {processShare} of one core"));
        }

        _channel.CompleteAsync().GetAwaiter().GetResult();
        _notifier.Dispose();
        _managed.Dispose();
        _native.Dispose();
    }

    [Benchmark(Description = "rounds of 1 s at 1,000 changes/s: C, Subscribe, ObserveInline, Observe")]
    public double PairedRounds()
    {
        _measured = ++_invocations > PairedConfig.UnmeasuredInvocations;
        foreach (int side in _orders[_round++ % _orders.Length])
        {
            _side = side;
            _shares[side] = side == 0 ? RunNative() : RunManaged(side);
        }

        if (_measured)
        {
            PairedRatios.Add(_key, _shares[1] / _shares[0], _shares[2] / _shares[0], _shares[3] / _shares[0], _shares[0] * 100, _shares[1] * 100, _shares[2] * 100, _shares[3] * 100);
        }

        return _shares[1] / _shares[0];
    }

    private double RunNative()
    {
        long[] latencies = _latencies[0];
        int offset = _measured ? _latencyCounts[0] : 0;
        fixed (long* slots = latencies)
        {
            nint handle = NotifiedNative.Start(_native.GetMap(MapChangeNotifier.RingName).Handle.FileDescriptor, _nativeMap.Handle.FileDescriptor, slots + offset, (nuint)(latencies.Length - offset));
            if (handle == 0)
            {
                throw new InvalidOperationException($"The C baseline did not start: errno {Marshal.GetLastPInvokeError()}.");
            }

            double share = Measure(0, NotifiedWorkload.Drive(_nativeChange, Entries, ref _nativeSeq));
            Thread.Sleep(10); // the last notices
            int recorded = (int)NotifiedNative.Stop(handle, out _, out _);
            if (_measured)
            {
                _latencyCounts[0] += recorded;
            }

            return share;
        }
    }

    private double RunManaged(int side)
    {
        Interlocked.Exchange(ref _listed, 0);
        IDisposable subscription = side switch
        {
            1 => _channel.Subscribe(new LatencyHandler(this)),
            2 => _channel.ObserveInline().Subscribe(OnObserved),
            _ => _channel.Observe().Subscribe(OnObserved),
        };

        // The listing (every entry as Added) is not part of the second: an Observe pump delivers it on its own thread.
        SpinWait.SpinUntil(() => Interlocked.Read(ref _listed) >= _channel.Count, TimeSpan.FromSeconds(60));
        try
        {
            return Measure(side, NotifiedWorkload.Drive(_change, Entries, ref _seq));
        }
        finally
        {
            Thread.Sleep(10); // the last notices
            subscription.Dispose();
            NotifiedWorkload.WaitForThreadsToEnd("bpfchannels obs"); // an Observe pump's thread, before the next second counts threads
        }
    }

    /// <summary>Keeps a measured second's process share; returns its watching threads' share, the target figure.</summary>
    private double Measure(int side, (double Process, double Watchers, double Notices) shares)
    {
        if (_measured)
        {
            _processShares[side].Add(shares.Process);
        }

        return shares.Watchers;
    }

    private void OnObserved(MapChange<uint, Stamped> change) => OnChange(change.Kind, change.Value);

    private void OnChange(MapChangeKind kind, in Stamped value)
    {
        long now = Stopwatch.GetTimestamp(); // CLOCK_MONOTONIC in nanoseconds on Linux, like bpf_ktime_get_ns
        if (kind == MapChangeKind.Added)
        {
            Interlocked.Increment(ref _listed);
        }
        else if (kind == MapChangeKind.Updated && value.Stamp != 0 && _measured)
        {
            int side = _side;
            int index = _latencyCounts[side]++;
            if (index < _latencies[side].Length)
            {
                _latencies[side][index] = now - (long)value.Stamp;
            }
        }
    }

    private readonly struct LatencyHandler(NotifiedChannelPairedBenchmarks bench) : IMapChangeHandler<uint, Stamped>
    {
        public void OnChange(MapChangeKind kind, in uint key, in Stamped value, in Stamped previous) => bench.OnChange(kind, value);
    }

    private sealed class Config : PairedConfig
    {
        public Config()
            : base(
                8,
                ("Subscribe/C CPU", "the notified channel with an inline struct handler / C (watching threads' CPU)"),
                ("ObserveInline/C CPU", "the notified channel with an inline observer / C (watching threads' CPU)"),
                ("Observe/C CPU", "the notified channel with a buffered observer on its own thread / C (watching threads' CPU)"),
                ("C %", "C's watching CPU as a share of one core, in percent"),
                ("Subscribe %", "the inline struct handler's watching CPU as a share of one core, in percent"),
                ("ObserveInline %", "the inline observer's watching CPU as a share of one core, in percent"),
                ("Observe %", "the buffered observer's watching CPU (notifier's and observer's threads) as a share of one core, in percent"))
        {
        }
    }
}
