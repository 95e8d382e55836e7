using System.Threading.Channels;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting.Tests;

/// <summary>A hosted ring buffer across reloads of its object: the old ring's reader goes, and nothing of it stays (run alone: it counts descriptors).</summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class RingBufferReloadTests
{
    [Fact]
    public async Task Reload_ThreeTimes_SubscriberGetsEachObjectsRecordsAndNoReaderDescriptorStays()
    {
        await using HostFixture fixture = await StartAsync();
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        var observed = Channel.CreateUnbounded<ulong>();
        using IDisposable subscription = fixture.Services.GetRequiredService<BpfRingBufferHost>().Observe<ulong>("notes").Subscribe(value => observed.Writer.TryWrite(value));
        Assert.Equal(1UL, await Emit(objects.GetObject("state"), 1, observed.Reader));
        int loaded = FdCount.Settled();

        for (ulong round = 2; round <= 4; round++)
        {
            BpfObject reloaded = objects.Reload("state");
            Assert.Equal(round, await Emit(reloaded, round, observed.Reader));
        }

        // One object, one ring reader and its epoll loop, as before the reloads.
        Assert.Equal(loaded, FdCount.Settled());
    }

    [Fact]
    public async Task Reload_OldProgramsWriteUntilTheObjectGoes_SubscriberGetsThoseRecordsBeforeTheNewRings()
    {
        await using HostFixture fixture = await StartAsync();
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        var observed = Channel.CreateUnbounded<ulong>();
        using IDisposable subscription = fixture.Services.GetRequiredService<BpfRingBufferHost>().Observe<ulong>("notes").Subscribe(value => observed.Writer.TryWrite(value));

        // Subscribed after the ring buffer host's own handler: the old object's program writes to its ring after the
        // host has seen the reload, as a program attached to it does until its link goes.
        objects.Reloaded += (_, e) =>
        {
            for (ulong value = 10; value < 13; value++)
            {
                Write(e.Previous, value);
            }
        };
        BpfObject reloaded = objects.Reload("state");
        Write(reloaded, 20);

        ulong[] received = [await observed.Reader.NextAsync(), await observed.Reader.NextAsync(), await observed.Reader.NextAsync(), await observed.Reader.NextAsync()];
        Assert.Equal([10UL, 11UL, 12UL, 20UL], received);
    }

    [Fact]
    public async Task Reload_WaitReaderFullForLongerThanFiveSeconds_ReloadWaitsAndEveryOldRecordArrives()
    {
        await using HostFixture fixture = await StartAsync();
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        ChannelReader<ulong> reader = fixture.Services.GetRequiredService<BpfRingBufferHost>().OpenReader<ulong>("notes", capacity: 1, BoundedChannelFullMode.Wait);
        BpfObject original = objects.GetObject("state");
        for (ulong value = 1; value <= 3; value++)
        {
            Write(original, value);
        }

        // The reader holds 1; the loop waits to hand it 2, with 3 still in the ring.
        Assert.True(await reader.WaitToReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken));
        Task<BpfObject> reload = Task.Run(() => objects.Reload("state"), TestContext.Current.CancellationToken);

        // Longer than any time limit the switch could give the reader: the reload still waits for it.
        Task first = await Task.WhenAny(reload, Task.Delay(TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken));
        Assert.NotSame(reload, first);
        ulong[] old = [await reader.NextAsync(), await reader.NextAsync(), await reader.NextAsync()];
        BpfObject reloaded = await reload.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        Write(reloaded, 4);

        Assert.Equal([1UL, 2UL, 3UL], old);
        Assert.Equal(4UL, await reader.NextAsync());
    }

    [Fact]
    public async Task Reload_WhileTheRingBufferOpensFromTheOldObject_TheStreamFollowsToTheNewRing()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        BpfObject? original = null;
        var foundOld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddRingBuffer<ulong>("notes", sp =>
        {
            // Found in the object before the reload; returned only once the reload has put the new object in place.
            var objects = sp.GetRequiredService<BpfObjectHost>();
            BpfMap notes = objects.GetObject("state").GetMap("notes");
            foundOld.SetResult();
            SpinWait.SpinUntil(() => !ReferenceEquals(objects.GetObject("state"), original));
            return notes;
        });
        var objects = fixture.Services.GetRequiredService<BpfObjectHost>();
        var rings = fixture.Services.GetRequiredService<BpfRingBufferHost>(); // subscribed to reloads before the handler below
        original = objects.GetObject("state");
        var observed = Channel.CreateUnbounded<ulong>();
        Task<IDisposable> opening = Task.Run(() => rings.Observe<ulong>("notes").Subscribe(value => observed.Writer.TryWrite(value)), TestContext.Current.CancellationToken);

        // The ring buffer host has looked at the reload by now: this handler runs after its handler, and waits until the
        // opening that found the old object's ring is over.
        objects.Reloaded += (_, _) => Assert.True(opening.Wait(HostFixture.Patience));
        await foundOld.Task.WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);
        BpfObject reloaded = objects.Reload("state");
        using IDisposable subscription = await opening;

        Write(reloaded, 7);
        Assert.Equal(7UL, await observed.Reader.NextAsync());
    }

    /// <summary>A started host with the object and its ring buffer <c>notes</c>.</summary>
    private static async Task<HostFixture> StartAsync()
    {
        BpfTestEnvironment.RequireBpf();
        var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddRingBuffer<ulong>("notes");
        await fixture.StartAsync();
        return fixture;
    }

    private static void Write(BpfObject obj, ulong value)
    {
        var args = new SetArgs { Value = value };
        Assert.Equal(0u, obj.GetProgram("emit_note").TestRun(ref args));
    }

    private static async Task<ulong> Emit(BpfObject obj, ulong value, ChannelReader<ulong> observed)
    {
        Write(obj, value);
        return await observed.NextAsync();
    }
}
