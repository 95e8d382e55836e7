using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Maps;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// One map channel poll (full batch read + keyed diff + delivery to a subscriber) of a u32 -> u64 kernel hash
/// of 10,000 to 1,000,000 entries, with 1% or 10% of the values changed since the previous poll, either by
/// user space rewriting the keys (each update moves its key to the head of its bucket, so the two reads' key
/// orders differ and the diff must match by key) or by a program changing the values in place through
/// bpf_map_lookup_elem (the orders stay equal). The changed keys rotate from iteration to iteration so that
/// rewritten keys keep moving. The C baseline, in the same run, is a batch read plus memcmp plus a keyed diff
/// (native/poll_baseline.c, bench_channels_poll_keyed).
/// </summary>
[Config(typeof(SyscallBenchmarkConfig))]
[InvocationCount(1)]
public unsafe class MapChannelKeyedPollBenchmarks
{
    private SnapshotTouchBpf _bpf = null!;
    private BpfProgram _touch = null!;
    private BpfMap<uint, ulong> _map = null!;
    private MapChannel<uint, ulong> _channel = null!;
    private MapChangeReader<uint, ulong> _reader = null!;
    private MapChannel<uint, ulong> _inline = null!;
    private IDisposable _inlineSubscription = null!;
    private uint[] _changedKeys = null!;
    private ulong[] _changedValues = null!;
    private uint _generation;
    private SnapshotBuffers _cCurrent = null!;
    private SnapshotBuffers _cPrevious = null!;
    private int _cPreviousCount;

    /// <summary>Who changes the values between polls.</summary>
    public enum ChangeSource
    {
        /// <summary>User space rewrites the keys (BPF_MAP_UPDATE_BATCH): they move inside their buckets.</summary>
        UserSpace,

        /// <summary>A program adds to the values in place: the keys stay where they are.</summary>
        Program,
    }

    /// <summary>The entries of the map.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Entries { get; set; }

    /// <summary>The percentage of entries changed before each poll.</summary>
    [Params(1, 10)]
    public int ChangedPercent { get; set; }

    /// <summary>Who changes them.</summary>
    [Params(ChangeSource.UserSpace, ChangeSource.Program)]
    public ChangeSource Writer { get; set; }

    private int Changed => Entries / 100 * ChangedPercent;

    private int Stride => 100 / ChangedPercent;

    // The C read asks for the whole map in one call, as the managed read does once it knows the map's size.
    private int Chunk => Entries + 64;

    [GlobalSetup]
    public void Setup()
    {
        _bpf = SnapshotTouchBpf.Open();
        _bpf.MapDefinitions.Touched.MaxEntries = Entries;
        _bpf.Load();
        _touch = _bpf.Programs.Touch.Program;
        _map = _bpf.Maps.Touched;
        uint[] keys = new uint[Entries];
        ulong[] values = new ulong[Entries];
        for (int i = 0; i < Entries; i++)
        {
            keys[i] = (uint)i;
            values[i] = (uint)i;
        }

        _map.UpdateBatch(keys, values);
        _changedKeys = new uint[Changed];
        _changedValues = new ulong[Changed];

        // A subscriber makes the channel poll; its buffer holds one poll's changes and is emptied between polls.
        _channel = new MapChannel<uint, ulong>(_map, new MapChannelOptions { SubscriberCapacity = 2 * Changed });
        _reader = _channel.OpenReader();
        _channel.Poll();
        Drain();

        // The same poll with an inline handler, which like the C loop only looks at each change: no buffer, no hand-off.
        // BenchmarkDotNet runs each method in a process of its own, so the channel that is not benchmarked never polls.
        _inline = new MapChannel<uint, ulong>(_map);
        _inlineSubscription = _inline.Subscribe(new SumHandler());
        _inline.Poll();

        _cCurrent = new SnapshotBuffers(2 * Chunk, sizeof(uint), sizeof(ulong));
        _cPrevious = new SnapshotBuffers(2 * Chunk, sizeof(uint), sizeof(ulong));
        _ = PollC(); // the C side's previous read
    }

    [IterationSetup]
    public void Change()
    {
        Drain();
        _generation++;
        uint first = _generation % (uint)Stride;
        if (Writer == ChangeSource.UserSpace)
        {
            for (int i = 0; i < _changedKeys.Length; i++)
            {
                _changedKeys[i] = (first + ((uint)i * (uint)Stride)) % (uint)Entries;
                _changedValues[i] = _changedKeys[i] + ((ulong)_generation << 32);
            }

            _map.UpdateBatch(_changedKeys, _changedValues);
        }
        else
        {
            var args = new SnapshotTouchBpf.TouchArgs { First = first, Count = (uint)Changed, Stride = (uint)Stride, Modulo = (uint)Entries, Add = 1UL << 32 };
            if (_touch.TestRun(ref args) != 0)
            {
                throw new InvalidOperationException($"The touch program missed {args.Missing} keys.");
            }
        }
    }

    /// <summary>The channel's poll: read, diff, deliver every change to the subscriber.</summary>
    /// <returns>The number of changes found.</returns>
    [Benchmark(Description = "MapChannel.Poll")]
    public int Poll() => Expect(_channel.Poll().Changes, "MapChannel.Poll");

    /// <summary>The channel's poll with an inline handler (<see cref="MapChannel{TKey, TValue}.Subscribe{THandler}"/>).</summary>
    /// <returns>The number of changes found.</returns>
    [Benchmark(Description = "MapChannel.Poll, inline handler")]
    public int PollInline() => Expect(_inline.Poll().Changes, "MapChannel.Poll, inline handler");

    /// <summary>C: batch lookup of the whole map, then memcmp and a keyed diff against the previous read.</summary>
    /// <returns>The number of changes found.</returns>
    [Benchmark(Baseline = true, Description = "C batch + memcmp + keyed diff")]
    public int C() => Expect(PollC(), "C");

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _channel.CompleteAsync().GetAwaiter().GetResult();
        _inlineSubscription.Dispose();
        _inline.CompleteAsync().GetAwaiter().GetResult();
        _bpf.Dispose();
        _cCurrent.Dispose();
        _cPrevious.Dispose();
    }

    private int PollC()
    {
        int count;
        int changes = ChannelsNative.PollKeyed(
            _map.Map.Handle.FileDescriptor, _cCurrent.Keys, _cCurrent.Values, _cPrevious.Keys, _cPrevious.Values, _cPreviousCount, &count, sizeof(uint), sizeof(ulong), _cCurrent.Capacity, (uint)Chunk);
        MapsNative.Check(changes, "keyed poll");
        (_cCurrent, _cPrevious) = (_cPrevious, _cCurrent);
        _cPreviousCount = count;
        return changes;
    }

    /// <summary>Checks that a poll found every change, so a poll that missed work never reports a fast time.</summary>
    private int Expect(int changes, string what)
        => changes == Changed ? changes : throw new InvalidOperationException($"{what} found {changes} changes; {Changed} values were changed.");

    private void Drain()
    {
        while (_reader.TryRead(out _))
        {
        }
    }

    /// <summary>Adds up what changed, so the inline delivery cannot be optimised away.</summary>
    private struct SumHandler : IMapChangeHandler<uint, ulong>
    {
        public static ulong Sum;

        public readonly void OnChange(MapChangeKind kind, in uint key, in ulong value, in ulong previous) => Sum += value - previous;
    }
}
