using System.Runtime.InteropServices;
using BpfChannels.Events;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Events;

/// <summary>The perf event array reader against the kernel, fed by a raw tracepoint program run with BPF_PROG_TEST_RUN.</summary>
public sealed class PerfEventArrayReaderTests
{
    private static uint Emit(BpfObject obj, ulong start, ulong count)
    {
        ReadOnlySpan<ulong> args = [start, count];
        return obj.GetProgram("emit_samples").TestRun(context: MemoryMarshal.AsBytes(args)).ReturnValue;
    }

    [Fact]
    public void Constructor_PagesNotPowerOfTwo_ThrowsArgumentException()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.PerfEventArray, KeySize = 4, ValueSize = 4 });

        var e = Assert.Throws<ArgumentException>(() => new PerfEventArrayReader(map, pagesPerCpu: 3));
        Assert.Equal("pagesPerCpu", e.ParamName);
    }

    [Fact]
    public void Dispose_Reader_RemovesItsEntriesFromTheMap()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.PerfEventArray, KeySize = 4, ValueSize = 4 });
        byte[] cpu0 = new byte[4];
        using (new PerfEventArrayReader(map, 1))
        {
        }

        // Deleting finds nothing: the reader removed the entry that held its perf event open.
        Assert.False(map.TryDelete(cpu0));
        var reader = new PerfEventArrayReader(map, 1);
        Assert.True(map.TryDelete(cpu0)); // present while the reader lives
        reader.Dispose();
    }

    [Fact]
    public void Consume_ProgramOutputsSamples_AllArriveInOrderWithContent()
    {
        using BpfObject obj = EventPrograms.Load("perf_emit");
        using var reader = new PerfEventArrayReader(obj.GetMap("samples"));
        Assert.Equal(BpfSystem.PossibleCpuCount, reader.BufferCount);
        Assert.Equal(0u, Emit(obj, 40, 100));
        var seqs = new List<ulong>();
        var lengths = new HashSet<int>();
        int intact = 0;

        int count = reader.Consume(sample =>
        {
            lengths.Add(sample.Length);
            var words = MemoryMarshal.Cast<byte, ulong>(sample[..64]);
            seqs.Add(words[0]);
            intact += words[7] == words[0] + 6 ? 1 : 0;
        });

        Assert.Equal(100, count);
        Assert.Equal(Enumerable.Range(40, 100).Select(i => (ulong)i), seqs);
        Assert.Equal(100, intact);
        Assert.Equal([68], lengths); // 64 bytes, padded so that u32 size + data is 8-byte aligned
        Assert.Equal(0, reader.LostSamples);
    }

    [Fact]
    public void Consume_OverfilledBuffer_ReportsEveryLostSample()
    {
        using BpfObject obj = EventPrograms.Load("perf_emit");
        using var reader = new PerfEventArrayReader(obj.GetMap("samples"), pagesPerCpu: 1);

        // Every run on one CPU, so the loss and the sample that carries its report share one ring.
        using var pin = CpuPin.Current();

        // One page holds about 50 samples of 80 bytes: most of the 1,000 are refused by the kernel.
        long emitted = 1000;
        long refused = Emit(obj, 0, 1000);
        Assert.True(refused > 500, $"only {refused} of 1000 samples were refused");
        long received = reader.Consume(_ => { });

        // The kernel reports the loss in a PERF_RECORD_LOST written before the next sample that fits on that
        // CPU's ring, so emit (on the same CPU) until the report arrives.
        for (int attempt = 0; attempt < 1000 && reader.LostSamples == 0; attempt++)
        {
            refused += Emit(obj, (ulong)emitted, 1);
            emitted++;
            received += reader.Consume(_ => { });
        }

        Assert.Equal(refused, reader.LostSamples);
        Assert.Equal(emitted, received + reader.LostSamples);
    }

    [Fact]
    public void PollOnce_PerfReaderInLoop_WakesForSamples()
    {
        using BpfObject obj = EventPrograms.Load("perf_emit");
        using var reader = new PerfEventArrayReader(obj.GetMap("samples"));
        using var loop = new EventLoop();
        var seqs = new List<ulong>();
        loop.Add(reader, sample => seqs.Add(BitConverter.ToUInt64(sample)));
        Assert.Equal(reader.BufferCount, loop.Count);

        Assert.Equal(0u, Emit(obj, 1, 10));
        Polling.Until(loop, () => seqs.Count >= 10);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ulong)i), seqs);
    }

    [Fact]
    public async Task ReadAllAsync_ProgramOutputsSamples_EnumeratesThemInOrder()
    {
        using BpfObject obj = EventPrograms.Load("perf_emit");
        using var reader = new PerfEventArrayReader(obj.GetMap("samples"));
        using var cts = new CancellationTokenSource(Polling.Deadline);
        Assert.Equal(0u, Emit(obj, 500, 50));
        ulong expected = 500;

        await foreach (ulong seq in reader.ReadAllAsync<ulong>(cts.Token))
        {
            Assert.Equal(expected, seq);
            if (++expected == 550)
            {
                break;
            }
        }

        Assert.Equal(550UL, expected);
    }
}
