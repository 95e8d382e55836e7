using System.Runtime.InteropServices;
using BpfChannels.Events;

namespace BpfChannels.Tests.Events;

/// <summary>The ring buffer record protocol (busy, discard, wrap, positions) against a ring in ordinary memory.</summary>
public sealed unsafe class RingBufferProtocolTests
{
    private static byte[] Payload(int length, byte seed)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + i);
        }

        return bytes;
    }

    private static int Consume(FakeRing ring, List<byte[]> into)
    {
        var sink = new CollectingSink(into);
        return RingBufferProtocol.Consume(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, ref sink);
    }

    [Fact]
    public void Consume_CommittedRecords_DeliversInOrderAndPublishesConsumerPosition()
    {
        using var ring = new FakeRing(4096);
        byte[] a = Payload(13, 1), b = Payload(64, 50), c = Payload(1, 200);
        ring.Write(a);
        ring.Write(b);
        ring.Write(c);
        var seen = new List<byte[]>();

        int count = Consume(ring, seen);

        Assert.Equal(3, count);
        Assert.Equal([a, b, c], seen);
        Assert.Equal(*ring.ProducerPos, *ring.ConsumerPos);
        Assert.Equal(24UL + 72UL + 16UL, *ring.ConsumerPos);
    }

    [Fact]
    public void Consume_DiscardedRecord_SkipsItButFreesItsSpace()
    {
        using var ring = new FakeRing(4096);
        ring.Write(Payload(8, 1));
        ring.Write(Payload(8, 2), RingBufferProtocol.DiscardBit);
        ring.Write(Payload(8, 3));
        var seen = new List<byte[]>();

        int count = Consume(ring, seen);

        Assert.Equal(2, count);
        Assert.Equal([Payload(8, 1), Payload(8, 3)], seen);
        Assert.Equal(48UL, *ring.ConsumerPos);
    }

    [Fact]
    public void Consume_BusyRecord_StopsBeforeItUntilCommitted()
    {
        using var ring = new FakeRing(4096);
        ring.Write(Payload(8, 1));
        ulong busy = ring.Write(Payload(8, 2), RingBufferProtocol.BusyBit);
        ring.Write(Payload(8, 3));
        var seen = new List<byte[]>();

        Assert.Equal(1, Consume(ring, seen));
        Assert.Equal(busy, *ring.ConsumerPos);
        Assert.Equal(0, Consume(ring, seen));

        ring.SetFlags(busy, 0);
        Assert.Equal(2, Consume(ring, seen));
        Assert.Equal([Payload(8, 1), Payload(8, 2), Payload(8, 3)], seen);
    }

    [Fact]
    public void Consume_RecordWrappingTheEnd_DeliversItContiguously()
    {
        using var ring = new FakeRing(256);
        var seen = new List<byte[]>();
        ring.Write(Payload(200, 0));
        Assert.Equal(1, Consume(ring, seen));

        // Position 208: a 100-byte record runs from offset 216 past the end (256) into the mirror.
        byte[] wrapping = Payload(100, 7);
        ulong position = ring.Write(wrapping);
        Assert.True((position & ring.Mask) + 8 + 100 > 256);

        Assert.Equal(1, Consume(ring, seen));
        Assert.Equal(wrapping, seen[1]);
    }

    [Fact]
    public void Consume_HandlerThrows_RecordCountsAsConsumedAndExceptionPropagates()
    {
        using var ring = new FakeRing(4096);
        ring.Write(Payload(8, 1));
        ring.Write(Payload(8, 2));
        var sink = new Throwing();

        Assert.Throws<InvalidOperationException>(() => RingBufferProtocol.Consume(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, ref sink));

        Assert.Equal(16UL, *ring.ConsumerPos);
    }

    [Fact]
    public void Reserve_ThenCommit_ConsumerSeesRecordOnlyAfterCommit()
    {
        using var ring = new FakeRing(4096);
        byte* payload = RingBufferProtocol.Reserve(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, 5);
        Assert.True(payload != null);
        new Span<byte>(payload, 5).Fill(0xAB);
        var seen = new List<byte[]>();

        Assert.Equal(0, Consume(ring, seen));
        Assert.Equal(16UL, *ring.ProducerPos);

        RingBufferProtocol.Commit(payload, discard: false);
        Assert.Equal(1, Consume(ring, seen));
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB, 0xAB, 0xAB }, seen[0]);
    }

    [Fact]
    public void Commit_Discard_ConsumerSkipsRecord()
    {
        using var ring = new FakeRing(4096);
        byte* discarded = RingBufferProtocol.Reserve(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, 8);
        byte* kept = RingBufferProtocol.Reserve(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, 8);
        *kept = 42;
        RingBufferProtocol.Commit(kept, discard: false);
        RingBufferProtocol.Commit(discarded, discard: true);
        var seen = new List<byte[]>();

        Assert.Equal(1, Consume(ring, seen));
        Assert.Equal(42, seen[0][0]);
        Assert.Equal(RingBufferProtocol.DiscardBit | 8u, *(uint*)(discarded - 8));
    }

    [Fact]
    public void Reserve_NotEnoughFreeSpace_ReturnsNullUntilConsumerAdvances()
    {
        using var ring = new FakeRing(256);
        byte* first = RingBufferProtocol.Reserve(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, 200);
        Assert.True(first != null);

        Assert.True(RingBufferProtocol.Reserve(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, 100) == null);
        Assert.Equal(208UL, *ring.ProducerPos);

        RingBufferProtocol.Commit(first, discard: false);
        Assert.Equal(1, Consume(ring, []));
        Assert.True(RingBufferProtocol.Reserve(ring.ConsumerPos, ring.ProducerPos, ring.Data, ring.Mask, 100) != null);
    }

    private readonly struct Throwing : IRecordHandler
    {
        public void OnRecord(ReadOnlySpan<byte> record) => throw new InvalidOperationException("handler failed");
    }
}
