using System.Threading.Channels;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting.Tests;

/// <summary>A hosted app that loads a real BPF object: the kernel side changes the map, the change arrives on the stream.</summary>
public sealed class HostedObjectTests
{
    [Fact]
    public async Task TestRun_ProgramWritesMap_ChangeArrivesWithKindAndPreviousValue()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels
            .AddObject("state", "hosted_state.bpf.o")
            .AddMapChannel<uint, ulong>("state");
        await fixture.StartAsync();
        BpfProgram program = fixture.Services.GetRequiredService<BpfObjectHost>().GetObject("state").GetProgram("set_state");
        MapChannel<uint, ulong> channel = fixture.Registry.GetChannel<uint, ulong>("state");
        var changes = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        using IDisposable subscription = channel.Observe().Subscribe(change => changes.Writer.TryWrite(change));

        var args = new SetArgs { Key = 7, Value = 10 };
        Assert.Equal(0u, program.TestRun(ref args));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 7, 10, 0), await changes.Reader.NextAsync());

        args = new SetArgs { Key = 7, Value = 20 };
        Assert.Equal(0u, program.TestRun(ref args));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Updated, 7, 20, 10), await changes.Reader.NextAsync());

        // A NoExist write through the channel to the key the program wrote comes back EEXIST.
        MapWriteOutcome<uint, ulong> outcome = await channel.WriteAsync(MapWrite.Update(7u, 1UL, BpfMapUpdateFlags.NoExist), TestContext.Current.CancellationToken);
        Assert.Equal(BpfError.AlreadyExists, outcome.Error);
    }

    [Fact]
    public async Task FindDefinition_OwnMapOtherMapOrDisposedObject_FindsOnlyALoadedMapOfThatObject()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o");
        await fixture.StartAsync();
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        BpfObject original = objects.GetObject("state");
        BpfMap notes = original.GetMap("notes");
        Assert.Equal("notes", BpfObjectHost.FindDefinition(original, m => ReferenceEquals(m, notes))?.Name);

        using BpfMap<uint, ulong> other = BpfMap.CreateHash<uint, ulong>(4, name: "find_def_other");
        Assert.Null(BpfObjectHost.FindDefinition(original, m => ReferenceEquals(m, other.Map)));

        // The replaced object is disposed: none of its definitions has a map any more, and none is matched.
        BpfObject reloaded = objects.Reload("state");
        Assert.Throws<ObjectDisposedException>(() => original.Maps[0].Map);
        Assert.Null(BpfObjectHost.FindDefinition(original, _ => true));
        BpfMap state = reloaded.GetMap("state");
        Assert.Equal("state", BpfObjectHost.FindDefinition(reloaded, m => ReferenceEquals(m, state))?.Name);
    }

    [Fact]
    public async Task Reload_ObjectLoadedAgain_ChannelReopensItsMapAndRelists()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddMapChannel<uint, ulong>("state");
        await fixture.StartAsync();
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        MapChannel<uint, ulong> channel = fixture.Registry.GetChannel<uint, ulong>("state");
        var relists = Channel.CreateUnbounded<MapChannelRelistedEventArgs>();
        channel.Relisted += (_, e) => relists.Writer.TryWrite(e);
        var changes = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        using IDisposable subscription = channel.Observe().Subscribe(change => changes.Writer.TryWrite(change));
        var args = new SetArgs { Key = 7, Value = 10 };
        Assert.Equal(0u, objects.GetObject("state").GetProgram("set_state").TestRun(ref args));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 7, 10, 0), await changes.Reader.NextAsync());
        BpfMap before = channel.Map;
        uint beforeId = before.Id;

        BpfObject reloaded = objects.Reload("state");
        Assert.True(before.IsDisposed);
        Assert.Same(reloaded, objects.GetObject("state"));
        args = new SetArgs { Key = 8, Value = 80 };
        Assert.Equal(0u, reloaded.GetProgram("set_state").TestRun(ref args));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        // The new object's map is empty but for key 8: the re-list removes 7 and adds 8.
        var relisted = new[] { await changes.Reader.NextAsync(), await changes.Reader.NextAsync() }.OrderBy(c => c.Kind).ToArray();
        Assert.Equal([new(MapChangeKind.Added, 8, 80, 0), new(MapChangeKind.Removed, 7, 0, 10)], relisted);
        MapChannelRelistedEventArgs e = await relists.Reader.NextAsync();
        Assert.Equal((beforeId, reloaded.GetMap<uint, ulong>("state").Map.Id), (e.PreviousMapId, e.MapId));
        Assert.Contains(fixture.Logs.Entries, entry => entry.Id.Id == 7 && entry.Message.Contains($"map {beforeId} from a map source was disposed"));
        Assert.Equal(HostedMapChannelPhase.Polling, fixture.Registry.Open()[0].Read().Phase);
    }

    [Fact]
    public async Task AddRingBuffer_ProgramEmits_RecordsReachObserverAndReader()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddRingBuffer<ulong>("notes");
        await fixture.StartAsync();
        BpfProgram emit = fixture.Services.GetRequiredService<BpfObjectHost>().GetObject("state").GetProgram("emit_note");
        var ringBuffers = fixture.Services.GetRequiredService<BpfRingBufferHost>();
        var observed = Channel.CreateUnbounded<ulong>();
        using IDisposable subscription = ringBuffers.Observe<ulong>("notes").Subscribe(value => observed.Writer.TryWrite(value));
        ChannelReader<ulong> reader = ringBuffers.OpenReader<ulong>("notes");

        for (ulong value = 1; value <= 3; value++)
        {
            var args = new SetArgs { Value = value * 100 };
            Assert.Equal(0u, emit.TestRun(ref args));
        }

        foreach (ulong expected in new ulong[] { 100, 200, 300 })
        {
            Assert.Equal(expected, await observed.Reader.NextAsync());
            Assert.Equal(expected, await reader.NextAsync());
        }

        // A subscriber that throws ends only itself: a second one still gets every record.
        var survivor = Channel.CreateUnbounded<ulong>();
        int thrown = 0;
        using IDisposable thrower = ringBuffers.Observe<ulong>("notes").Subscribe(_ =>
        {
            Interlocked.Increment(ref thrown);
            throw new InvalidOperationException("subscriber bug");
        });
        using IDisposable other = ringBuffers.Observe<ulong>("notes").Subscribe(value => survivor.Writer.TryWrite(value));
        for (ulong value = 4; value <= 5; value++)
        {
            var args = new SetArgs { Value = value * 100 };
            Assert.Equal(0u, emit.TestRun(ref args));
        }

        Assert.Equal(400UL, await survivor.Reader.NextAsync());
        Assert.Equal(500UL, await survivor.Reader.NextAsync());
        Assert.Equal(400UL, await observed.Reader.NextAsync());
        Assert.Equal(500UL, await observed.Reader.NextAsync());
        Assert.Equal(400UL, await reader.NextAsync());
        Assert.Equal(500UL, await reader.NextAsync());
        while (Volatile.Read(ref thrown) == 0)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, Volatile.Read(ref thrown)); // detached at its first exception; nothing more reached it

        Assert.Throws<InvalidCastException>(() => ringBuffers.Observe<uint>("notes"));
        Assert.Throws<KeyNotFoundException>(() => ringBuffers.Observe<ulong>("nothing"));

        // Stopping the host completes the reader.
        var completed = new TaskCompletionSource();
        using IDisposable end = ringBuffers.Observe<ulong>("notes").Subscribe(_ => { }, e => completed.TrySetException(e), () => completed.TrySetResult());
        await fixture.StopAsync();
        Assert.Throws<ObjectDisposedException>(() => ringBuffers.Observe<ulong>("notes"));
        await completed.Task.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        await reader.Completion.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Reload_ObjectWithHostedRingBuffer_SubscribersGetTheNewObjectsRecords()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddRingBuffer<ulong>("notes");
        await fixture.StartAsync();
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        var ringBuffers = fixture.Services.GetRequiredService<BpfRingBufferHost>();
        var observed = Channel.CreateUnbounded<ulong>();
        var completed = new TaskCompletionSource();
        using IDisposable subscription = ringBuffers.Observe<ulong>("notes").Subscribe(value => observed.Writer.TryWrite(value), e => completed.TrySetException(e), () => completed.TrySetResult());
        ChannelReader<ulong> reader = ringBuffers.OpenReader<ulong>("notes");
        var args = new SetArgs { Value = 100 };
        Assert.Equal(0u, objects.GetObject("state").GetProgram("emit_note").TestRun(ref args));
        Assert.Equal(100UL, await observed.Reader.NextAsync());
        Assert.Equal(100UL, await reader.NextAsync());

        BpfObject reloaded = objects.Reload("state");

        // The old object's program is gone with it; the new one's records reach the same subscribers.
        args = new SetArgs { Value = 200 };
        Assert.Equal(0u, reloaded.GetProgram("emit_note").TestRun(ref args));
        Assert.Equal(200UL, await observed.Reader.NextAsync());
        Assert.Equal(200UL, await reader.NextAsync());
        Assert.False(completed.Task.IsCompleted);
        Assert.False(reader.Completion.IsCompleted);

        // Stopping still completes them.
        await fixture.StopAsync();
        await completed.Task.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        await reader.Completion.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartAsync_ObjectFileMissing_FailsFast()
    {
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("missing", "no_such_object.bpf.o").AddMapChannel<uint, ulong>("state");
        Exception e = await Assert.ThrowsAnyAsync<Exception>(fixture.StartAsync);
        Assert.Contains("no_such_object.bpf.o", e.Message);
    }
}
