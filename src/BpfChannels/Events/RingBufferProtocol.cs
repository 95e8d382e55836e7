using System.Runtime.CompilerServices;

namespace BpfChannels.Events;

/// <summary>
/// The record protocol of BPF_MAP_TYPE_RINGBUF and BPF_MAP_TYPE_USER_RINGBUF (kernel/bpf/ringbuf.c): an
/// 8-byte header (u32 length with the busy and discard bits, u32 page offset) before each record, records
/// rounded up to 8 bytes, positions that only grow and are reduced modulo the power-of-two size. The data
/// area is mapped twice back to back, so a record that wraps around the end is contiguous in memory.
/// </summary>
internal static unsafe class RingBufferProtocol
{
    public const uint BusyBit = 1u << 31;
    public const uint DiscardBit = 1u << 30;
    public const int HeaderSize = 8;

    /// <summary>The space a record of <paramref name="length"/> payload bytes occupies, header included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong RoundUp(uint length) => ((length & ~(BusyBit | DiscardBit)) + HeaderSize + 7UL) & ~7UL;

    /// <summary>
    /// Hands every committed record between the consumer and producer positions to <paramref name="sink"/>
    /// and returns how many it handed over. Stops at the first busy (reserved, not yet committed) record.
    /// </summary>
    /// <remarks>
    /// If the sink throws, its record counts as consumed (so one record a handler cannot process does not
    /// stall the buffer forever) and the exception propagates.
    /// </remarks>
    public static int Consume<TSink>(ulong* consumerPos, ulong* producerPos, byte* data, ulong mask, ref TSink sink)
        where TSink : struct, IRecordHandler
    {
        try
        {
            return Drain(consumerPos, producerPos, data, mask, ref sink);
        }
        catch
        {
            // The consumer position is published after every record, so it points at the record whose sink
            // threw; that space is still ours until the position moves past it.
            ulong cons = *consumerPos;
            Volatile.Write(ref *consumerPos, cons + RoundUp(*(uint*)(data + (cons & mask))));
            throw;
        }
    }

    // Memory ordering, as in libbpf's ringbuf_process_ring: the producer position and each record's length
    // word are loaded with acquire semantics (the kernel commits a record by clearing the busy bit with
    // release semantics, after writing the payload), and the consumer position is published with release
    // semantics after the sink has read the record, so the kernel never reuses space still being read.
    // The loop has no exception handler (that is in the caller): locals live into a handler are kept on
    // the stack, which would cost loads and stores per record. It is called rarely but loops long, so it
    // is compiled fully optimised at once instead of running on-stack-replaced tier-0 code.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Drain<TSink>(ulong* consumerPos, ulong* producerPos, byte* data, ulong mask, ref TSink sink)
        where TSink : struct, IRecordHandler
    {
        int count = 0;
        ulong cons = Volatile.Read(ref *consumerPos);
        bool progress;
        do
        {
            progress = false;
            ulong prod = Volatile.Read(ref *producerPos);
            while (cons < prod)
            {
                byte* header = data + (cons & mask);
                uint len = Volatile.Read(ref *(uint*)header);
                if ((len & BusyBit) != 0)
                {
                    return count;
                }

                progress = true;
                if ((len & DiscardBit) == 0)
                {
                    sink.OnRecord(new ReadOnlySpan<byte>(header + HeaderSize, (int)len));
                    count++;
                }

                cons += RoundUp(len);
                Volatile.Write(ref *consumerPos, cons);
            }
        }
        while (progress);
        return count;
    }

    /// <summary>Bytes between the consumer and producer positions.</summary>
    public static ulong Pending(ulong* consumerPos, ulong* producerPos) =>
        Volatile.Read(ref *producerPos) - Volatile.Read(ref *consumerPos);

    /// <summary>
    /// Reserves <paramref name="size"/> bytes as a user-space producer (libbpf's user_ring_buffer__reserve):
    /// writes a busy header and publishes the new producer position. Returns the payload pointer, or null
    /// when the free space is too small.
    /// </summary>
    // Only this producer writes the producer position, so a plain read of it suffices; the consumer
    // position is loaded with acquire semantics, and the producer position published with release
    // semantics after the busy header is written, so the kernel sees the busy bit before the space.
    public static byte* Reserve(ulong* consumerPos, ulong* producerPos, byte* data, ulong mask, uint size)
    {
        ulong cons = Volatile.Read(ref *consumerPos);
        ulong prod = *producerPos;
        ulong total = RoundUp(size);
        if (mask + 1 - (prod - cons) < total)
        {
            return null;
        }

        byte* header = data + (prod & mask);
        *(uint*)header = size | BusyBit;
        *(uint*)(header + 4) = 0;
        Volatile.Write(ref *producerPos, prod + total);
        return header + HeaderSize;
    }

    /// <summary>Commits (or discards) a reserved record by clearing its busy bit with release semantics.</summary>
    public static void Commit(byte* payload, bool discard)
    {
        uint* header = (uint*)(payload - HeaderSize);
        uint len = (*header & ~BusyBit) | (discard ? DiscardBit : 0);
        Interlocked.Exchange(ref *header, len);
    }
}
