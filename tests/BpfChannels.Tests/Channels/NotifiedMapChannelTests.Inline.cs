using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;

namespace BpfChannels.Tests.Channels;

/// <summary>Notified channels with inline handlers, explicit notice tags, a fake clock and the byte-level channel.</summary>
public sealed partial class NotifiedMapChannelTests
{
    [Fact]
    public async Task Subscribe_NotifiedChanges_DeliveredOnTheNoticeThreadAllocatingNothing()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel();
        var probe = new AllocationProbe(new long[1000], new int[1]);
        using IDisposable subscription = channel.Subscribe(probe);
        Assert.Equal(0, probe.Seen[0]); // an empty map lists nothing

        // One program run per change, each waited for, so every change is its own ring wake-up and delivery.
        for (uint i = 0; i < probe.Allocated.Length; i++)
        {
            Assert.Equal(1, bpf.Run("put", key: 1, count: 1, value: i + 1));
            int expected = (int)i + 1;
            await WaitUntil(() => Volatile.Read(ref probe.Seen[0]) >= expected, $"change {expected}");
        }

        // The notice thread's allocations between the 100th and the last change: a per-change allocation (at least a
        // 24-byte object) would add up to 20 KiB over 900 changes; warm-up (tiering, buffers growing) stays under 2 KiB.
        long allocated = probe.Allocated[^1] - probe.Allocated[99];
        Assert.True(allocated < 2048, $"{allocated} bytes allocated over {probe.Allocated.Length - 100} notified changes");
        Assert.Equal(0, channel.ReconciledChanges);
        Assert.Equal(1, channel.Polls);
    }

    [Fact]
    public async Task ObserveInline_NotifiedChanges_DeliveredOnTheNoticeThreadAllocatingNothing()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel();
        long[] allocated = new long[1000];
        int seen = 0;
        string? thread = null;
        using IDisposable subscription = channel.ObserveInline().Subscribe(change =>
        {
            int i = seen;
            if (i < allocated.Length)
            {
                allocated[i] = GC.GetAllocatedBytesForCurrentThread();
            }

            thread ??= Thread.CurrentThread.Name;
            Volatile.Write(ref seen, i + 1);
        });

        for (uint i = 0; i < allocated.Length; i++)
        {
            Assert.Equal(1, bpf.Run("put", key: 1, count: 1, value: i + 1));
            int expected = (int)i + 1;
            await WaitUntil(() => Volatile.Read(ref seen) >= expected, $"change {expected}");
        }

        // As for a struct handler: a per-change allocation would add up to 20 KiB over 900 changes.
        long total = allocated[^1] - allocated[99];
        Assert.True(total < 2048, $"{total} bytes allocated over {allocated.Length - 100} notified changes");
        Assert.StartsWith("bpfchannels notices", thread, StringComparison.Ordinal); // the notifier's thread, no hop
        Assert.Equal(0, channel.ReconciledChanges);
    }

    [Fact]
    public async Task NoticeTag_ExplicitTagOnBothSides_RoutesTheNoticesToThatChannel()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> tagged = bpf.Channel(new MapChannelOptions { NoticeTag = 0x0badc0de });
        MapChannel<uint, ulong> byName = bpf.Channel();
        using MapChangeReader<uint, ulong> reader = tagged.OpenReader();
        using MapChangeReader<uint, ulong> other = byName.OpenReader();
        CancellationToken ct = TestContext.Current.CancellationToken;

        Assert.Equal(0x0badc0deu, tagged.NoticeTag);
        Assert.Equal(MapChangeNotifier.Tag("watched"), byName.NoticeTag);
        Assert.Equal(2, bpf.Run("put_tagged", key: 5, count: 2, value: 50));

        Assert.Equal([new(MapChangeKind.Added, 5, 50, 0), new(MapChangeKind.Added, 6, 51, 0)], (await Take(reader, 2, ct)).OrderBy(c => c.Key));
        Assert.Equal(2, tagged.Notices);
        Assert.Equal(0, tagged.ReconciledChanges);
        Assert.Equal(0, byName.Notices); // the name's tag is not the one these notices carry
        Assert.False(other.TryRead(out MapChange<uint, ulong> unexpected), $"unexpected {unexpected}");
    }

    [Fact]
    public async Task Reconfigure_NewNoticeTag_NoticesOfTheNewTagRouted()
    {
        using var bpf = new NotifiedObject();
        MapChannel<uint, ulong> channel = bpf.Channel();
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.Equal(MapChangeNotifier.Tag("watched"), channel.NoticeTag);

        Assert.False(channel.Reconfigure(new MapChannelOptions { Mode = MapChannelMode.Notified, ChangeNotifier = bpf.Notifier, NoticeTag = 0x0badc0de }));
        Assert.Equal(0x0badc0deu, channel.NoticeTag);
        Assert.Equal(1, bpf.Run("put_tagged", key: 9, count: 1, value: 90));

        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 9, 90, 0), (await Take(reader, 1, ct))[0]);
        Assert.Equal(1, channel.Notices);
        Assert.Equal(0, channel.ReconciledChanges);
    }

    [Fact]
    public async Task Reconcile_FakeClockReachesTheInterval_ReadsTheMapThenAndNotBefore()
    {
        using var bpf = new NotifiedObject();
        var time = new FakeTimeProvider();
        MapChannel<uint, ulong> channel = bpf.Channel(new MapChannelOptions { ReconcileInterval = TimeSpan.FromMinutes(10) }.WithTimeProvider(time));
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.Equal(1, channel.Polls); // the listing

        bpf.Map.Update(50, 500); // from user space: no notice, so only a reconciliation finds it
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(1, bpf.Run("put", key: 1, count: 1, value: 10)); // a notice the notifier handles meanwhile
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 1, 10, 0), (await Take(reader, 1, ct))[0]);
        Assert.Equal(1, channel.Polls);
        Assert.False(channel.TryGet(50, out _));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 50, 500, 0), (await Take(reader, 1, ct))[0]);
        Assert.Equal(2, channel.Polls);
        await WaitUntil(() => channel.ReconciledChanges == 1, "the reconciled change to be counted");
    }

    [Fact]
    public async Task Create_NotifiedByteChannel_DeliversProgramChangesAsBytes()
    {
        using var bpf = new NotifiedObject();
        MapChannel channel = MapChannel.Create(bpf.Map.Map, new MapChannelOptions { Mode = MapChannelMode.Notified, ChangeNotifier = bpf.Notifier });
        var sink = new InlineHandlerContractTests.BytesSink([]);
        using IDisposable subscription = channel.SubscribeBytes(sink);
        Assert.Equal(1, bpf.Run("put", key: 3, count: 1, value: 30));
        await WaitUntil(() => { lock (sink.Changes) { return sink.Changes.Count == 1; } }, "the notified change");
        Assert.Equal(1, bpf.Run("del", key: 3, count: 1, value: 0));
        await WaitUntil(() => { lock (sink.Changes) { return sink.Changes.Count == 2; } }, "the notified delete");

        Assert.Equal(MapChangeKind.Added, sink.Changes[0].Kind);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(sink.Changes[0].Key));
        Assert.Equal(30ul, BinaryPrimitives.ReadUInt64LittleEndian(sink.Changes[0].Value));
        Assert.Equal(MapChangeKind.Removed, sink.Changes[1].Kind);
        Assert.Equal(30ul, BinaryPrimitives.ReadUInt64LittleEndian(sink.Changes[1].Previous));
        Assert.Equal(2, channel.Notices);
        Assert.Equal(1, channel.Polls);
        await channel.CompleteAsync();
    }

    /// <summary>Records the delivering thread's allocation counter at each change (arrays allocated up front).</summary>
    private readonly struct AllocationProbe(long[] allocated, int[] seen) : IMapChangeHandler<uint, ulong>
    {
        public long[] Allocated => allocated;

        public int[] Seen => seen;

        public void OnChange(MapChangeKind kind, in uint key, in ulong value, in ulong previous)
        {
            int i = seen[0];
            if (i < allocated.Length)
            {
                allocated[i] = GC.GetAllocatedBytesForCurrentThread();
            }

            Volatile.Write(ref seen[0], i + 1);
        }
    }
}
