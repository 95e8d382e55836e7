using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// The poll loop's own delay with 0, 1 and 2 subscribers blocked in <c>OnNext</c>: one poll of a 1,000-entry
/// u32 -> u64 kernel hash with 10 values changed, until a healthy subscriber has received all 10 changes on its
/// pump thread. Blocked subscribers must cost the poll no more than queueing into (and dropping from) their full
/// buffers. The C baseline does the same update and read (batch lookup + memcmp) without delivering to anyone.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public unsafe class PollDelayBenchmarks
{
    private const int Entries = 1_000;
    private const int Changed = 10;
    private const int Capacity = Entries + (Entries >> 3) + 64;

    private readonly ManualResetEventSlim _delivered = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly List<IDisposable> _subscriptions = [];
    private BpfMap<uint, ulong> _map = null!;
    private MapChannel<uint, ulong> _channel = null!;
    private ulong _generation;
    private int _pending;
    private byte[] _keys = null!;
    private byte[] _values = null!;
    private byte[] _previousKeys = null!;
    private byte[] _previousValues = null!;
    private int _previousCount;

    /// <summary>How many subscribers are stuck in their first <c>OnNext</c> for the whole run.</summary>
    [Params(0, 1, 2)]
    public int BlockingSubscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries, name: "bench_delay");
        for (uint key = 0; key < Entries; key++)
        {
            _map.Update(key, key);
        }

        // A poll nobody listens to reads nothing, so the first subscriber reads the map and gets it as its listing
        // (listings are never dropped, whatever the buffer size).
        _channel = new MapChannel<uint, ulong>(_map, new MapChannelOptions { SubscriberCapacity = 64 });
        _channel.Poll();
        _pending = Entries;
        _subscriptions.Add(_channel.Observe().Subscribe(_ =>
        {
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _delivered.Set();
            }
        }));
        _delivered.Wait();
        _delivered.Reset();
        for (int i = 0; i < BlockingSubscribers; i++)
        {
            _subscriptions.Add(_channel.Observe().Subscribe(_ => _release.Wait()));
        }

        _keys = new byte[Capacity * sizeof(uint)];
        _values = new byte[Capacity * sizeof(ulong)];
        _previousKeys = new byte[_keys.Length];
        _previousValues = new byte[_values.Length];
        _previousCount = 0;
        _ = PollC(); // the C side's previous read
    }

    /// <summary>Change 10 values, poll, and wait until the healthy subscriber has all 10 changes.</summary>
    /// <returns>The number of changes the poll found.</returns>
    [Benchmark]
    public int PollUntilDelivered()
    {
        Change();
        Volatile.Write(ref _pending, Changed);
        int changes = _channel.Poll().Changes;
        _delivered.Wait();
        _delivered.Reset();
        return changes;
    }

    /// <summary>C: the same 10 updates, then batch lookup of the whole map and memcmp with the previous read.</summary>
    /// <returns>The number of changed entries.</returns>
    [Benchmark(Baseline = true)]
    public int BatchMemcmp()
    {
        Change();
        return PollC();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _release.Set();
        foreach (IDisposable subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _channel.CompleteAsync().GetAwaiter().GetResult();
        _map.Dispose();
    }

    /// <summary>A poll takes tens of microseconds: the default unrolled job, one launch, a median per parameter; a long build timeout for a loaded machine.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithId("PollDelay").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
            BuildTimeout = TimeSpan.FromMinutes(10);
        }
    }

    private int PollC()
    {
        // The same C read as MapChannelPollBenchmarks' baseline, over this class's smaller map.
        fixed (byte* keys = _keys)
        fixed (byte* values = _values)
        fixed (byte* previousKeys = _previousKeys)
        fixed (byte* previousValues = _previousValues)
        fixed (int* previousCount = &_previousCount)
        {
            return ChannelsNative.Poll(_map.Map.Handle.FileDescriptor, keys, values, previousKeys, previousValues, previousCount, sizeof(uint), sizeof(ulong), Capacity, (uint)Capacity);
        }
    }

    private void Change()
    {
        _generation++;
        for (uint i = 0; i < Changed; i++)
        {
            _map.Update(i * (Entries / Changed), _generation);
        }
    }
}
