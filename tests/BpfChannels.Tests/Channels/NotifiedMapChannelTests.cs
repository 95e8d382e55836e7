using System.Runtime.InteropServices;
using BpfChannels.Tests.Objects;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>
/// Notified map channels against the kernel: programs in bpf/notified.bpf.c change the map through the
/// bpfchannels_notify.h wrappers (driven by BPF_PROG_TEST_RUN), a MapChangeNotifier reads the change ring.
/// </summary>
public sealed partial class NotifiedMapChannelTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Notices_ProgramUpdatesDeletesAndTouches_DeliveredWithPreviousValues()
    {
        using var bpf = new NotifiedObject();
        Assert.Equal(3, bpf.Run("put", key: 1, count: 3, value: 10)); // 1 -> 10, 2 -> 11, 3 -> 12, before the channel exists
        await bpf.NoticesRead(3);
        MapChannel<uint, ulong> channel = bpf.Channel();
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        CancellationToken ct = TestContext.Current.CancellationToken;

        List<MapChange<uint, ulong>> listing = await Take(reader, 3, ct);
        Assert.Equal([(1u, 10ul), (2u, 11ul), (3u, 12ul)], listing.Select(c => (c.Key, c.Value)).Order());
        Assert.All(listing, c => Assert.Equal(MapChangeKind.Added, c.Kind));

        Assert.Equal(1, bpf.Run("put", key: 2, count: 1, value: 20));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 2, 20, 11), (await Take(reader, 1, ct))[0]);
        Assert.Equal(1, bpf.Run("bump", key: 3, count: 1, value: 5));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 3, 17, 12), (await Take(reader, 1, ct))[0]);
        Assert.Equal(1, bpf.Run("del", key: 1, count: 1, value: 0));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Removed, 1, 0, 10), (await Take(reader, 1, ct))[0]);
        Assert.Equal(1, bpf.Run("put", key: 4, count: 1, value: 40));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 4, 40, 0), (await Take(reader, 1, ct))[0]);

        // Every change came from a notice: one full read (the listing), nothing found by reconciliation.
        Assert.Equal(1, channel.Polls);
        Assert.Equal(0, channel.ReconciledChanges);
        Assert.True(channel.Notices >= 4, $"{channel.Notices} notices");
        Assert.Equal(bpf.Map.ToDictionary(), channel.ToDictionary());
        Assert.False(reader.TryRead(out MapChange<uint, ulong> extra), $"unexpected {extra}");
    }

    [Fact]
    public async Task Notices_RingOverflows_ReconciliationRecoversEveryKey()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel(new MapChannelOptions { SubscriberCapacity = 100_000 });
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();

        // One run publishes 6000 notices of 24 ring bytes each into a 4096-byte ring: most cannot be reserved.
        Assert.Equal(6000, bpf.Run("put", key: 0, count: 6000, value: 1000));
        // The reconciliation's count is added after its changes are applied, so wait for both.
        await WaitUntil(() => channel.Count == 6000 && channel.ReconciledChanges > 0, "every key to arrive, some found by reconciliation");

        Assert.True(bpf.Notifier.LostNotices > 0, "the ring did not overflow");
        Assert.Equal(bpf.Map.ToDictionary(), channel.ToDictionary());
        var delivered = new Dictionary<uint, ulong>();
        while (reader.TryRead(out MapChange<uint, ulong> change))
        {
            Assert.Equal(MapChangeKind.Added, change.Kind);
            Assert.True(delivered.TryAdd(change.Key, change.Value), $"key {change.Key} delivered twice");
        }

        Assert.Equal(bpf.Map.ToDictionary(), delivered);
    }

    [Fact]
    public async Task Reconcile_UserSpaceWrites_FoundAndCounted()
    {
        using var bpf = new NotifiedObject();
        Assert.Equal(2, bpf.Run("put", key: 1, count: 2, value: 10));
        await bpf.NoticesRead(2); // read before the channel attaches, so they cannot report the user-space writes below
        MapChannel<uint, ulong> channel = bpf.Channel(new MapChannelOptions { ReconcileInterval = TimeSpan.FromMilliseconds(100) });
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        CancellationToken ct = TestContext.Current.CancellationToken;
        _ = await Take(reader, 2, ct);

        bpf.Map.Update(50, 500);
        bpf.Map.Update(1, 100);
        bpf.Map.Delete(2);
        List<MapChange<uint, ulong>> changes = await Take(reader, 3, ct);

        Assert.Equal(
            [new(MapChangeKind.Added, 50, 500, 0), new(MapChangeKind.Updated, 1, 100, 10), new(MapChangeKind.Removed, 2, 0, 11)],
            changes.OrderBy(c => c.Kind));
        await WaitUntil(() => channel.ReconciledChanges >= 3, "the count (it follows the delivery)");
        Assert.Equal(3, channel.ReconciledChanges);
        Assert.Equal(bpf.Map.ToDictionary(), channel.ToDictionary());
    }

    [Fact]
    public async Task Reconcile_MapWithoutWrappers_StateEqualsMap()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel(new MapChannelOptions { ReconcileInterval = TimeSpan.FromMilliseconds(100), SubscriberCapacity = 10_000 });
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();

        // put_quietly calls bpf_map_update_elem directly: no notice, so only reconciliation can see its writes.
        Assert.Equal(500, bpf.Run("put_quietly", key: 0, count: 500, value: 7));
        Assert.Equal(100, bpf.Run("put_quietly", key: 0, count: 100, value: 9000));
        await WaitUntil(() => channel.ReconciledChanges >= 500 && channel.Count == 500 && channel.TryGet(99, out ulong v) && v == 9099, "the writes to be reconciled");

        Assert.Equal(0, channel.Notices);
        Assert.Equal(bpf.Map.ToDictionary(), channel.ToDictionary());
        int delivered = 0;
        while (reader.TryRead(out MapChange<uint, ulong> change))
        {
            delivered++;
            Assert.NotEqual(MapChangeKind.Removed, change.Kind);
        }

        Assert.Equal(channel.ReconciledChanges, delivered);
    }

    [Fact]
    public async Task Writer_OwnWrites_DeliveredOnceWithoutWaiting()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel();
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        CancellationToken ct = TestContext.Current.CancellationToken;

        MapWriteOutcome<uint, ulong> outcome = await channel.WriteAsync(MapWrite.Update<uint, ulong>(7, 70), ct);

        Assert.True(outcome.Succeeded);
        Assert.True(channel.TryGet(7, out ulong value)); // the state has the write as soon as its outcome is known
        Assert.Equal(70ul, value);
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 7, 70, 0), (await Take(reader, 1, ct))[0]);
        Assert.True((await channel.WriteAsync(MapWrite.Delete<uint, ulong>(7), ct)).Succeeded);
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Removed, 7, 0, 70), (await Take(reader, 1, ct))[0]);

        // A full read finds nothing the channel has not delivered already.
        Assert.Equal(0, channel.Poll().Changes);
        Assert.Equal(0, channel.ReconciledChanges);
        Assert.False(reader.TryRead(out MapChange<uint, ulong> extra), $"unexpected {extra}");
    }

    [Fact]
    public async Task OpenReader_RightAfterAProgramWriteWhileNobodyListened_SeesTheWriteInTheListingOrAsAChange()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel(new MapChannelOptions { ReconcileInterval = TimeSpan.FromHours(1) });
        using (channel.OpenReader())
        {
            // Listed once; from now on nobody listens, so notices only mark the state stale.
        }

        // Each write races the reader that subscribes after it: the notice is handled before the subscriber joins (and
        // the listing reads the map again) or after (and the change is delivered). A notice handled between the
        // subscriber's look at the state and its joining would be lost for a whole reconcile interval.
        // The subscriptions come 0 to 80 us after the writes, so some of them meet the notifier's thread handling the
        // notice (it wakes some tens of microseconds after the write).
        for (uint key = 1; key <= 600; key++)
        {
            Assert.Equal(1, bpf.Run("put", key: key, count: 1, value: key * 10));
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency * (key % 41) * 2 / 1_000_000);
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(10);
            }

            using MapChangeReader<uint, ulong> reader = channel.OpenReader();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            MapChange<uint, ulong> change;
            do
            {
                change = await reader.ReadAsync(timeout.Token);
            }
            while (change.Key != key);

            Assert.Equal(key * 10, change.Value);
        }
    }

    [Fact]
    public async Task Notices_ManyKeysChangedAndRemoved_StateKeepsItsIndex()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel(new MapChannelOptions { SubscriberCapacity = 100 });
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();

        // Small runs, so the ring keeps up: every change arrives as a notice and is applied to the state one key at a time.
        for (uint start = 0; start < 1000; start += 100)
        {
            Assert.Equal(100, bpf.Run("put", key: start, count: 100, value: start));
            await WaitUntil(() => channel.Count == start + 100, "the run's keys");
        }

        for (uint start = 0; start < 1000; start += 200)
        {
            Assert.Equal(100, bpf.Run("del", key: start, count: 100, value: 0));
            await WaitUntil(() => channel.Count == 1000 - (start / 2) - 100, "the run's deletes");
        }

        Assert.Equal(0, bpf.Notifier.LostNotices);
        Assert.Equal(0, channel.ReconciledChanges);
        Assert.Equal(bpf.Map.ToDictionary(), channel.ToDictionary());
        for (uint key = 0; key < 1000; key++)
        {
            Assert.Equal(bpf.Map.TryLookup(key, out ulong expected), channel.TryGet(key, out ulong actual));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Notices_PerCpuMapAggregated_DeliverTheSumOfEveryCpu()
    {
        using var bpf = new NotifiedObject();
        var map = new BpfPerCpuMap<uint, ulong>(bpf.Object.GetMap("watched_percpu"));
        MapChannel<uint, ulong> channel = PerCpuMapChannel.Aggregated<uint, ulong>(map, values =>
        {
            ulong sum = 0;
            foreach (ulong v in values)
            {
                sum += v;
            }

            return sum;
        }, new MapChannelOptions { Mode = MapChannelMode.Notified, ChangeNotifier = bpf.Notifier });
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        CancellationToken ct = TestContext.Current.CancellationToken;

        Assert.Equal(1, bpf.Run("put_percpu", key: 1, count: 1, value: 5));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 1, 5, 0), (await Take(reader, 1, ct))[0]);
        Assert.Equal(1, bpf.Run("put_percpu", key: 1, count: 1, value: 7)); // this CPU's slot: 7, another's may still hold 5
        MapChange<uint, ulong> updated = (await Take(reader, 1, ct))[0];

        ulong expected = 0;
        foreach (ulong v in map.Lookup(1))
        {
            expected += v;
        }

        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 1, expected, 5), updated);
        Assert.Equal(0, channel.ReconciledChanges);
        await channel.CompleteAsync();
    }

    [Fact]
    public void Constructor_NotifiedWithoutNotifier_ThrowsNamingTheOption()
    {
        using BpfMap<uint, ulong> map = BpfMapFactory.InMemory.CreateHash<uint, ulong>(4);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MapChannel<uint, ulong>(map, new MapChannelOptions { Mode = MapChannelMode.Notified }));

        Assert.Equal(nameof(MapChannelOptions.ChangeNotifier), e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MapChannelOptions { ReconcileInterval = TimeSpan.Zero }.Validate());
    }

    [Fact]
    public void Constructor_LostCounterOfWrongShape_ThrowsBeforeMappingTheRing()
    {
        using BpfMap<uint, uint> wrong = BpfMapFactory.InMemory.CreateArray<uint>(1);
        using BpfMap<uint, ulong> ring = BpfMapFactory.InMemory.CreateHash<uint, ulong>(1);

        var e = Assert.Throws<ArgumentException>(() => new MapChangeNotifier(ring.Map, wrong.Map));

        Assert.Equal("lostCounter", e.ParamName);
        Assert.Contains(MapChangeNotifier.LostCounterName, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_LongName_HashesTheFirstFifteenBytesAsTheKernelKeepsThem()
    {
        Assert.Equal(0xbbeaffa9u, MapChangeNotifier.Tag("watched")); // what clang folds BPFCHAN_TAG(watched) to
        Assert.Equal(MapChangeNotifier.Tag("a_rather_long_n"), MapChangeNotifier.Tag("a_rather_long_name"));
        Assert.NotEqual(MapChangeNotifier.Tag("a_rather_long_m"), MapChangeNotifier.Tag("a_rather_long_n"));
    }

    private static async Task<List<MapChange<uint, ulong>>> Take(MapChangeReader<uint, ulong> reader, int count, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        var changes = new List<MapChange<uint, ulong>>(count);
        while (changes.Count < count)
        {
            changes.Add(await reader.ReadAsync(timeout.Token));
        }

        return changes;
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NotifiedArgs
    {
        public uint Key;
        public uint Count;
        public ulong Value;
    }

    /// <summary>One load of bpf/notified.bpf.c, its notifier and the channels over its 'watched' map.</summary>
    private sealed class NotifiedObject : IDisposable
    {
        private readonly BpfObject _object;
        private readonly List<MapChannel> _channels = [];

        public NotifiedObject()
        {
            BpfTestEnvironment.RequireBpf();
            _object = BpfObject.LoadFile(BpfObjectTests.ObjectPath("notified"));
            Map = _object.GetMap<uint, ulong>("watched");
            Notifier = new MapChangeNotifier(_object.GetMap(MapChangeNotifier.RingName), _object.GetMap(MapChangeNotifier.LostCounterName));
        }

        public BpfMap<uint, ulong> Map { get; }

        public BpfObject Object => _object;

        public MapChangeNotifier Notifier { get; }

        public MapChannel<uint, ulong> Channel(MapChannelOptions? options = null)
        {
            options ??= new MapChannelOptions();
            options.Mode = MapChannelMode.Notified;
            options.ChangeNotifier = Notifier;
            var channel = new MapChannel<uint, ulong>(Map, options);
            _channels.Add(channel);
            return channel;
        }

        public Task NoticesRead(long count) => WaitUntil(() => Notifier.Notices >= count, $"{count} notices to be read");

        public int Run(string program, uint key, uint count, ulong value)
        {
            var args = new NotifiedArgs { Key = key, Count = count, Value = value };
            return (int)_object.GetProgram(program).TestRun(ref args);
        }

        public void Dispose()
        {
            foreach (MapChannel channel in _channels)
            {
                channel.CompleteAsync().GetAwaiter().GetResult();
            }

            Notifier.Dispose();
            _object.Dispose();
        }
    }
}
