using System.Threading.Channels;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Channels;

/// <summary>Map channels against the kernel only: real concurrency, real batch syscalls.</summary>
public sealed class KernelMapChannelTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Poll_HashNothingChanged_ReadsInBatchesAndAllocatesNothing()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(100_000);
        for (uint i = 0; i < 100_000; i++)
        {
            map.Update(i, i);
        }

        MapChannel<uint, ulong> channel = new(map);
        using MapChangeReader<uint, ulong> reader = channel.OpenReader();
        Assert.Equal(100_000, channel.Poll().Changes);
        for (uint i = 0; i < 100_000; i += 100)
        {
            map.Update(i, i + 1);
        }

        Assert.Equal(1_000, channel.Poll().Changes);

        MapChannelContractTests.AssertUnchangedPollAllocatesNothing(channel, BpfMapReadStrategy.Batch);
    }

    [Fact]
    public async Task WriteAsync_NoExistOnExistingKernelKey_ComesBackEEXIST()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16);
        map.Update(3, 30);
        MapChannel<uint, ulong> channel = new(map);

        MapWriteOutcome<uint, ulong> outcome = await channel.WriteAsync(MapWrite.Update<uint, ulong>(3, 31, BpfMapUpdateFlags.NoExist), TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Equal(BpfError.AlreadyExists, outcome.Error);
        Assert.Equal("EEXIST", outcome.Error.ToErrnoName());
        Assert.Equal(3u, outcome.Write.Key);
        Assert.Equal(BpfMapUpdateFlags.NoExist, outcome.Write.Flags);
        Assert.Equal(30UL, map[3]);
        Assert.Equal(1, channel.WriteFailures);
    }

    [Fact]
    public async Task Writer_EightConcurrentWritersOfHundredThousand_AllLand()
    {
        BpfTestEnvironment.RequireBpf();
        const int Writers = 8;
        const int PerWriter = 100_000;
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(Writers * PerWriter);
        MapChannel<uint, ulong> channel = new(map);
        long failures = 0;
        using IDisposable watch = channel.Outcomes.Subscribe(o =>
        {
            if (!o.Succeeded)
            {
                Interlocked.Increment(ref failures);
            }
        });
        CancellationToken ct = TestContext.Current.CancellationToken;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(
            async () =>
            {
                ChannelWriter<MapWrite<uint, ulong>> writer = channel.Writer;
                for (int i = 0; i < PerWriter; i++)
                {
                    uint key = (uint)((w * PerWriter) + i);
                    await writer.WriteAsync(MapWrite.Update<uint, ulong>(key, key * 3UL), ct);
                }
            },
            ct)));
        await channel.CompleteAsync().WaitAsync(Patience, ct);

        Assert.Equal(0, Interlocked.Read(ref failures));
        Assert.Equal(Writers * PerWriter, channel.Writes);
        Assert.Equal(Writers * PerWriter, map.Map.CountEntries());
        Assert.Equal(777_777UL * 3, map[777_777]);
    }

    [Fact]
    public async Task Observe_KernelMapChangedOnAnotherThread_ArrivesWithKindAndPreviousValue()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap<uint, ulong> map = BpfMapFactory.Kernel.CreateHash<uint, ulong>(16);
        map.Update(1, 100);
        MapChannel<uint, ulong> channel = new(map, new MapChannelOptions { PollWhenUnobserved = true });
        channel.Poll();
        var received = Channel.CreateUnbounded<MapChange<uint, ulong>>();
        using IDisposable subscription = channel.Observe().Subscribe(c => received.Writer.TryWrite(c));
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Added, 1, 100, 0), await received.Reader.ReadAsync(ct).AsTask().WaitAsync(Patience, ct));

        await Task.Run(
            () =>
            {
                map.Update(1, 101);
                map.Update(2, 200);
            },
            ct);
        channel.Poll();
        await Task.Run(() => map.Delete(2), ct);
        channel.Poll();

        var changes = new List<MapChange<uint, ulong>>();
        for (int i = 0; i < 3; i++)
        {
            changes.Add(await received.Reader.ReadAsync(ct).AsTask().WaitAsync(Patience, ct));
        }

        Assert.Equal(
            [new(MapChangeKind.Updated, 1, 101, 100), new(MapChangeKind.Added, 2, 200, 0)],
            changes.Take(2).OrderBy(c => c.Key));
        Assert.Equal(new MapChange<uint, ulong>(MapChangeKind.Removed, 2, 0, 200), changes[2]);
    }
}
