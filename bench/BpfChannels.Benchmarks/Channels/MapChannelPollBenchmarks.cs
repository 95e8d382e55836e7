using BenchmarkDotNet.Attributes;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// One map channel poll (full read + diff + delivery) of a 100,000-entry u32 -> u64 kernel hash: with 1% of the
/// values changed since the previous poll, and with nothing changed (which must allocate nothing). The C
/// baseline for the same work is a BPF_MAP_LOOKUP_BATCH loop plus memcmp against the previous copy.
/// </summary>
[MemoryDiagnoser]
public class MapChannelPollBenchmarks
{
    private const int Entries = 100_000;
    private const int ChangedEvery = 100;

    private BpfMap<uint, ulong> _map = null!;
    private MapChannel<uint, ulong> _channel = null!;
    private MapChangeReader<uint, ulong> _reader = null!;
    private uint[] _changedKeys = null!;
    private ulong[] _changedValues = null!;
    private ulong _generation;

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
    }

    [IterationSetup(Target = nameof(PollOnePercentChanged))]
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

    [IterationSetup(Target = nameof(PollNothingChanged))]
    public void ChangeNothing() => Drain();

    /// <summary>Read 100,000 entries, find the 1,000 changed values, deliver them as Updated changes.</summary>
    /// <returns>The number of changes found.</returns>
    [Benchmark]
    [InvocationCount(1)]
    public int PollOnePercentChanged() => _channel.Poll().Changes;

    /// <summary>Read 100,000 entries and find nothing changed; must allocate nothing.</summary>
    /// <returns>The number of changes found (0).</returns>
    [Benchmark]
    [InvocationCount(1)]
    public int PollNothingChanged() => _channel.Poll().Changes;

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
