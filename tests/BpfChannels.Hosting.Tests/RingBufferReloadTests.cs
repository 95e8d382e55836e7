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
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddRingBuffer<ulong>("notes");
        await fixture.StartAsync();
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

    private static async Task<ulong> Emit(BpfObject obj, ulong value, ChannelReader<ulong> observed)
    {
        var args = new SetArgs { Value = value };
        Assert.Equal(0u, obj.GetProgram("emit_note").TestRun(ref args));
        return await observed.NextAsync();
    }
}
