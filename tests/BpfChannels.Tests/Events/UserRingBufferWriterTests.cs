using System.Runtime.InteropServices;
using BpfChannels.Events;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Events;

/// <summary>The user ring buffer writer against the kernel: messages drained by a SEC("syscall") program.</summary>
public sealed class UserRingBufferWriterTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Message
    {
        public uint Slot;
        public uint Pad;
        public ulong Value;
    }

    private static long Drain(BpfObject obj)
    {
        long drained = 0;
        _ = obj.GetProgram("drain_commands").TestRun(ref drained);
        return drained;
    }

    [Fact]
    public void Constructor_MapIsARingBuffer_ThrowsArgumentException()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.RingBuffer, MaxEntries = 4096 });

        Assert.Throws<ArgumentException>(() => new UserRingBufferWriter(map));
    }

    [Fact]
    public void TryWrite_ProgramDrains_EffectOfEveryMessageReadBackFromMap()
    {
        using BpfObject obj = EventPrograms.Load("user_ringbuf_drain");
        using var writer = new UserRingBufferWriter(obj.GetMap("commands"));
        BpfMap<uint, ulong> totals = obj.GetMap<uint, ulong>("totals");

        Assert.True(writer.TryWrite(new Message { Slot = 1, Value = 10 }));
        Assert.True(writer.TryWrite(new Message { Slot = 1, Value = 32 }));
        Assert.True(writer.TryReserve(16, out UserRingBufferReservation discarded));
        MemoryMarshal.Write(discarded.Data, new Message { Slot = 3, Value = 99 });
        writer.Discard(discarded);
        Assert.True(writer.TryReserve(16, out UserRingBufferReservation kept));
        MemoryMarshal.Write(kept.Data, new Message { Slot = 2, Value = 5 });
        writer.Submit(kept);
        Assert.Equal(4 * 24, writer.PendingBytes);

        Assert.Equal(3, Drain(obj));

        Assert.Equal(42UL, totals[1]);
        Assert.Equal(5UL, totals[2]);
        Assert.Equal(0UL, totals[3]);
        Assert.Equal(0, writer.PendingBytes);
    }

    [Fact]
    public void TryWrite_BufferFull_ReturnsFalseUntilProgramDrains()
    {
        using BpfObject obj = EventPrograms.Load("user_ringbuf_drain");
        using var writer = new UserRingBufferWriter(obj.GetMap("commands"));
        var message = new Message { Slot = 4, Value = 1 };
        int written = 0;
        while (writer.TryWrite(message))
        {
            written++;
        }

        Assert.Equal(4096 / 24, written);
        Assert.False(writer.TryReserve(16, TimeSpan.FromMilliseconds(30), out _));

        Assert.Equal(written, Drain(obj));

        // The next record starts 16 bytes before the end of the data area and wraps into the second mapping.
        Assert.True(writer.TryWrite(message));
        Assert.Equal(1, Drain(obj));
        Assert.Equal((ulong)written + 1, obj.GetMap<uint, ulong>("totals")[4]);
    }

    [Fact]
    public async Task TryReserve_WithTimeoutWhileProgramDrains_WaitsForRoom()
    {
        using BpfObject obj = EventPrograms.Load("user_ringbuf_drain");
        using var writer = new UserRingBufferWriter(obj.GetMap("commands"));
        while (writer.TryWrite(new Message { Slot = 5, Value = 1 }))
        {
        }

        Task<long> drainer = Task.Run(
            async () =>
            {
                await Task.Delay(50);
                return Drain(obj);
            },
            TestContext.Current.CancellationToken);

        Assert.True(writer.TryWrite(MemoryMarshal.AsBytes([new Message { Slot = 5, Value = 1 }]), TimeSpan.FromSeconds(30)));

        // The drain empties the full buffer, and may already see the message written as soon as room appeared;
        // either way every message is drained exactly once.
        long drained = await drainer;
        Assert.InRange(drained, 4096 / 24, (4096 / 24) + 1);
        drained += Drain(obj);
        Assert.Equal((4096 / 24) + 1, drained);
    }

    [Fact]
    public void Submit_SameReservationTwice_ThrowsArgumentException()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.UserRingBuffer, MaxEntries = 4096 });
        using var writer = new UserRingBufferWriter(map);
        Assert.True(writer.TryReserve(8, out UserRingBufferReservation reservation));
        writer.Submit(reservation);

        ArgumentException? error = null;
        try
        {
            writer.Submit(reservation);
        }
        catch (ArgumentException e)
        {
            error = e;
        }

        Assert.NotNull(error);
        Assert.Contains("already", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4096 - 7)]
    public void TryReserve_SizeOutOfRange_ThrowsBeforeTouchingBuffer(int size)
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.UserRingBuffer, MaxEntries = 4096 });
        using var writer = new UserRingBufferWriter(map);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.TryReserve(size, out _));
        Assert.Equal(0, writer.PendingBytes);
    }
}
