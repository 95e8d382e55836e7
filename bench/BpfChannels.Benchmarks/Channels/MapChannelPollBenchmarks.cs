using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// One map channel poll (full read + diff + delivery) of a 100,000-entry u32 -> u64 kernel hash: with 1% of the
/// values changed since the previous poll, and with nothing changed (which must allocate nothing). The C
/// baseline for the same work is a BPF_MAP_LOOKUP_BATCH loop plus memcmp against the previous copy.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class MapChannelPollBenchmarks
{
    private const int Capacity = Entries + (Entries >> 3) + 64; // the managed batch read's first chunk, for a like-for-like C read

    private const int Entries = 100_000;
    private const int ChangedEvery = 100;

    private BpfMap<uint, ulong> _map = null!;
    private MapChannel<uint, ulong> _channel = null!;
    private MapChangeReader<uint, ulong> _reader = null!;
    private uint[] _changedKeys = null!;
    private ulong[] _changedValues = null!;
    private ulong _generation;
    private byte[] _keys = null!;
    private byte[] _values = null!;
    private byte[] _previousKeys = null!;
    private byte[] _previousValues = null!;
    private int _previousCount;

    [GlobalSetup]
    public void Setup()
    {
        _map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Entries, name: "bench_poll");
        for (uint key = 0; key < Entries; key++)
        {
            _map.Update(key, key);
        }

        _changedKeys = new uint[Entries / ChangedEvery];
        _changedValues = new ulong[_changedKeys.Length];
        for (int i = 0; i < _changedKeys.Length; i++)
        {
            _changedKeys[i] = (uint)(i * ChangedEvery);
        }

        // A subscriber makes the channel poll; its buffer holds one poll's changes and is emptied between polls.
        _channel = new MapChannel<uint, ulong>(_map, new MapChannelOptions { SubscriberCapacity = 2 * _changedKeys.Length });
        _reader = _channel.OpenReader();
        _channel.Poll();
        Drain();

        _keys = new byte[Capacity * sizeof(uint)];
        _values = new byte[Capacity * sizeof(ulong)];
        _previousKeys = new byte[_keys.Length];
        _previousValues = new byte[_values.Length];
        _previousCount = 0;
        _ = PollC(); // the C side's previous read
    }

    [IterationSetup(Targets = [nameof(PollOnePercentChanged), nameof(BatchMemcmpOnePercentChanged)])]
    public void ChangeOnePercent()
    {
        Drain();
        _generation++;
        for (int i = 0; i < _changedValues.Length; i++)
        {
            _changedValues[i] = _changedKeys[i] + (_generation << 32);
        }

        _map.UpdateBatch(_changedKeys, _changedValues);
    }

    [IterationSetup(Targets = [nameof(PollNothingChanged), nameof(BatchMemcmpNothingChanged)])]
    public void ChangeNothing() => Drain();

    /// <summary>Read 100,000 entries, find the 1,000 changed values, deliver them as Updated changes.</summary>
    /// <returns>The number of changes found.</returns>
    [Benchmark]
    [BenchmarkCategory("OnePercentChanged")]
    [InvocationCount(1)]
    public int PollOnePercentChanged() => _channel.Poll().Changes;

    /// <summary>C: batch lookup of 100,000 entries and memcmp with the previous read, 1% changed.</summary>
    /// <returns>The number of changed entries.</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("OnePercentChanged")]
    [InvocationCount(1)]
    public int BatchMemcmpOnePercentChanged() => PollC();

    /// <summary>Read 100,000 entries and find nothing changed; must allocate nothing.</summary>
    /// <returns>The number of changes found (0).</returns>
    [Benchmark]
    [BenchmarkCategory("NothingChanged")]
    [InvocationCount(1)]
    public int PollNothingChanged() => _channel.Poll().Changes;

    /// <summary>C: batch lookup of 100,000 entries and memcmp with the previous read, nothing changed.</summary>
    /// <returns>The number of changed entries (0).</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("NothingChanged")]
    [InvocationCount(1)]
    public int BatchMemcmpNothingChanged() => PollC();

    private int PollC()
    {
        fixed (byte* keys = _keys)
        fixed (byte* values = _values)
        fixed (byte* previousKeys = _previousKeys)
        fixed (byte* previousValues = _previousValues)
        fixed (int* previousCount = &_previousCount)
        {
            int changed = ChannelsNative.Poll(_map.Map.Handle.FileDescriptor, keys, values, previousKeys, previousValues, previousCount, sizeof(uint), sizeof(ulong), Capacity, (uint)Capacity);
            if (changed < 0)
            {
                throw new InvalidOperationException($"C baseline poll failed with errno {-changed}.");
            }

            return changed;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _channel.CompleteAsync().GetAwaiter().GetResult();
        _map.Dispose();
    }

    private void Drain()
    {
        while (_reader.TryRead(out _))
        {
        }
    }
}
