using System.Text.Json;
using System.Threading.Channels;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>A channel's map changing under it, options changing, and delivery that no subscriber can stall; kernel and twin alike.</summary>
public abstract class MapChannelLifecycleContractTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected abstract BpfMapFactory Factory { get; }

    [Fact]
    public async Task Bind_AnotherMap_NextPollDeliversDifferencesThenRelisted()
    {
        using BpfMap<uint, ulong> first = Factory.CreateHash<uint, ulong>(16);
        using BpfMap<uint, ulong> second = Factory.CreateHash<uint, ulong>(16);
        first.Update(1, 10);
        first.Update(2, 20);
        second.Update(2, 21);
        second.Update(3, 30);
        MapChannel<uint, ulong> channel = new(first);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        channel.Poll();
        Assert.Equal(2, Drain(reader).Count);
        var relists = new List<(MapChannelRelistedEventArgs Args, long Counted)>();
        channel.Relisted += (_, e) => relists.Add((e, channel.Changes));
        channel.Relisted += (_, _) => throw new InvalidOperationException("handler bug");

        channel.Bind(second.Map);
        Assert.Empty(relists); // nothing is read before the next poll
        MapPollResult result = channel.Poll();

        Assert.Equal(3, result.Changes);
        Assert.Equal(
            [new(MapChangeKind.Added, 3, 30, 0), new(MapChangeKind.Updated, 2, 21, 20), new(MapChangeKind.Removed, 1, 0, 10)],
            Drain(reader).OrderBy(c => c.Kind).ToList());
        (MapChannelRelistedEventArgs args, long counted) = Assert.Single(relists);
        Assert.Equal((first.Map.Id, second.Map.Id, 3, 2), (args.PreviousMapId, args.MapId, args.Changes, args.Entries));
        Assert.Equal(5, counted); // raised once the re-list's changes were delivered
        Assert.Equal(1, channel.Relists);
        Assert.Same(second.Map, channel.Map);

        // Writes go to the new map from now on, and later polls are ordinary polls.
        Assert.True((await channel.WriteAsync(MapWrite.Update<uint, ulong>(9, 90), TestContext.Current.CancellationToken)).Succeeded);
        Assert.Equal(90UL, second[9]);
        Assert.False(first.TryLookup(9, out _));
        channel.Poll();
        Assert.Equal(1, channel.Relists);
    }

    [Fact]
    public async Task Bind_WritesQueuedBeforeTheFirstMap_LandInIt()
    {
        MapChannel<uint, ulong> channel = new("late");
        Assert.False(channel.HasMap);
        Assert.Equal("late", channel.Name);
        Assert.Contains("'late' has no map yet", Assert.Throws<InvalidOperationException>(() => channel.Poll()).Message);
        Task<MapWriteOutcome<uint, ulong>> queued = channel.WriteAsync(MapWrite.Update<uint, ulong>(7, 70), TestContext.Current.CancellationToken);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(queued.IsCompleted);

        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        channel.Bind(map.Map);

        Assert.True((await queued.WaitAsync(Patience, TestContext.Current.CancellationToken)).Succeeded);
        Assert.Equal(70UL, map[7]);
        channel.Poll();
        Assert.Equal([new MapChange<uint, ulong>(MapChangeKind.Added, 7, 70, 0)], Drain(reader));
        Assert.Equal(0, channel.Relists); // the first map is a listing
    }

    [Fact]
    public async Task CompleteAsync_NeverBound_ReportsQueuedWritesAsBadDescriptor()
    {
        MapChannel<uint, ulong> channel = new("never");
        Task<MapWriteOutcome<uint, ulong>> queued = channel.WriteAsync(MapWrite.Update<uint, ulong>(1, 1), TestContext.Current.CancellationToken);

        await channel.CompleteAsync().WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(BpfError.BadDescriptor, (await queued).Error);
        Assert.Equal(1, channel.WriteFailures);
    }

    [Fact]
    public void Bind_MapOfOtherSizes_ThrowsNamingBothAndKeepsTheMap()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        using BpfMap<uint, uint> other = Factory.CreateHash<uint, uint>(16, name: "narrow");
        MapChannel<uint, ulong> channel = new(map);

        ArgumentException e = Assert.Throws<ArgumentException>(() => channel.Bind(other.Map));

        Assert.Contains("'narrow'", e.Message);
        Assert.Contains("4-byte values", e.Message);
        Assert.Contains("8-byte values", e.Message);
        Assert.Same(map.Map, channel.Map);
        other.Dispose();
        Assert.Throws<ObjectDisposedException>(() => channel.Bind(other.Map));
        Assert.Throws<ObjectDisposedException>(() => new MapChannel<uint, uint>(other));
    }

    [Fact]
    public void Reconfigure_PollWhenUnobserved_AppliesToTheNextPoll()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { WriteCapacity = 8 });
        map.Update(1, 1);
        Assert.False(channel.Poll().Polled);

        Assert.False(channel.Reconfigure(new MapChannelOptions { PollWhenUnobserved = true, WriteCapacity = 8 }));

        Assert.True(channel.Poll().Polled);
        Assert.Equal(1, channel.Count);
        Assert.True(channel.Reconfigure(new MapChannelOptions { WriteCapacity = 16 })); // needs a new channel
        Assert.Throws<ArgumentOutOfRangeException>(() => channel.Reconfigure(new MapChannelOptions { SubscriberCapacity = 0 }));
        Assert.False(channel.Poll().Polled); // the refused options changed nothing
    }

    [Fact]
    public async Task Observe_TwoSubscribersBlocked_OthersStillGetEveryPollAtOnce()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        MapChannel<uint, ulong> channel = new(map);
        using var release = new ManualResetEventSlim();
        int blockedCalls = 0;
        using IDisposable blocked1 = channel.Observe().Subscribe(_ => { Interlocked.Increment(ref blockedCalls); release.Wait(); });
        using IDisposable blocked2 = channel.Observe().Subscribe(_ => { Interlocked.Increment(ref blockedCalls); release.Wait(); });
        var received = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        int inside = 0;
        int overlaps = 0;
        using IDisposable healthy = channel.Observe().Subscribe(change =>
        {
            overlaps += Interlocked.Increment(ref inside) > 1 ? 1 : 0;
            received.Writer.TryWrite(change);
            Interlocked.Decrement(ref inside);
        });

        for (ulong i = 1; i <= 20; i++)
        {
            map.Update(1, i);
            channel.Poll();
            MapChange<uint, ulong> change = await received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience);
            Assert.Equal(i, change.Value);
        }

        // Each blocks in its first OnNext, and only there (a pump thread may start late on a loaded machine).
        DateTime deadline = DateTime.UtcNow + Patience;
        while (Volatile.Read(ref blockedCalls) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, Volatile.Read(ref blockedCalls));
        Assert.Equal(0, overlaps);
        release.Set();
    }

    [Fact]
    public async Task Observe_UnsubscribedOrCompleted_NothingFollows()
    {
        using BpfMap<uint, ulong> map = Factory.CreateHash<uint, ulong>(16);
        MapChannel<uint, ulong> channel = new(map);
        var calls = Channel.CreateUnbounded<string>();
        IDisposable left = channel.Observe().Subscribe(c => calls.Writer.TryWrite($"left {c.Value}"), _ => calls.Writer.TryWrite("left error"), () => calls.Writer.TryWrite("left completed"));
        using IDisposable stays = channel.Observe().Subscribe(c => calls.Writer.TryWrite($"stays {c.Value}"), _ => calls.Writer.TryWrite("stays error"), () => calls.Writer.TryWrite("stays completed"));
        map.Update(1, 1);
        channel.Poll();
        var first = new HashSet<string> { await NextAsync(calls.Reader), await NextAsync(calls.Reader) };
        Assert.Equal(["left 1", "stays 1"], first);

        left.Dispose();
        map.Update(1, 2);
        channel.Poll();
        Assert.Equal("stays 2", await NextAsync(calls.Reader));
        await channel.CompleteAsync();
        Assert.Equal("stays completed", await NextAsync(calls.Reader));
        map.Update(1, 3);
        Assert.Throws<InvalidOperationException>(() => channel.Poll());
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(calls.Reader.TryRead(out string? late), late);
    }

    private static Task<string> NextAsync(ChannelReader<string> reader) => reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience);

    private static List<MapChange<uint, ulong>> Drain(MapChangeReader<uint, ulong> reader) => MapChannelContractTests.Drain(reader);
}

public sealed class KernelMapChannelLifecycleContractTests : MapChannelLifecycleContractTests
{
    protected override BpfMapFactory Factory
    {
        get
        {
            BpfTestEnvironment.RequireBpf();
            return BpfMapFactory.Kernel;
        }
    }
}

public sealed class InMemoryMapChannelLifecycleContractTests : MapChannelLifecycleContractTests
{
    protected override BpfMapFactory Factory => BpfMapFactory.InMemory;
}

public sealed class MapChangeJsonTests
{
    [Fact]
    public void Serialize_ChangeAndOutcome_EnumsAreNames()
    {
        string change = JsonSerializer.Serialize(new MapChange<uint, ulong>(MapChangeKind.Updated, 1, 2, 1));
        string outcome = JsonSerializer.Serialize(new MapWriteOutcome<uint, ulong>(MapWrite.Delete<uint, ulong>(3), BpfError.NotFound));

        Assert.Equal("""{"Kind":"Updated","Key":1,"Value":2,"PreviousValue":1}""", change);
        Assert.Contains("\"Kind\":\"Delete\"", outcome);
        Assert.Contains("\"Error\":\"NotFound\"", outcome);
        Assert.Equal(MapChangeKind.Removed, JsonSerializer.Deserialize<MapChangeKind>("\"Removed\""));
        Assert.Equal(BpfError.AlreadyExists, JsonSerializer.Deserialize<BpfError>("\"AlreadyExists\""));
    }
}
