using System.Runtime.CompilerServices;
using static BpfChannels.Interop.PerfEvent;

namespace BpfChannels.Events;

/// <summary>
/// Reads the records of one perf event ring (the data pages after a perf_event_mmap_page). Unlike the BPF
/// ring buffer the data area is mapped once, so a record that wraps around the end is copied into a
/// scratch buffer to hand it over contiguously.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static unsafe class PerfBufferProtocol
{
    private const int HeaderSize = 8;

    /// <summary>
    /// Hands every PERF_RECORD_SAMPLE's raw data to <paramref name="sink"/>, adds PERF_RECORD_LOST counts to
    /// <paramref name="lost"/>, and returns how many samples it handed over.
    /// </summary>
    // data_head is loaded with acquire semantics (the kernel publishes it after writing the records, see
    // perf_output_put_handle) and data_tail is published with release semantics after each record has
    // been read, so the kernel never overwrites a record that is still being read.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called rarely, loops long: see RingBufferProtocol.Consume
    public static int Consume<TSink>(perf_event_mmap_page* page, byte* data, ulong size, ref byte[] scratch, ref TSink sink, ref long lost)
        where TSink : struct, IRecordHandler
    {
        ulong mask = size - 1;
        ulong head = Volatile.Read(ref page->data_head);
        ulong tail = page->data_tail;
        int count = 0;
        while (tail < head)
        {
            ulong offset = tail & mask;
            var header = (perf_event_header*)(data + offset);
            int length = header->size;
            if (length < HeaderSize)
            {
                throw new InvalidDataException($"Corrupt perf buffer: a record of {length} bytes at position {tail}.");
            }

            ReadOnlySpan<byte> record;
            if (offset + (ulong)length <= size)
            {
                record = new ReadOnlySpan<byte>(data + offset, length);
            }
            else
            {
                if (scratch.Length < length)
                {
                    scratch = new byte[Math.Max(length, scratch.Length * 2)];
                }

                int first = (int)(size - offset);
                new ReadOnlySpan<byte>(data + offset, first).CopyTo(scratch);
                new ReadOnlySpan<byte>(data, length - first).CopyTo(scratch.AsSpan(first));
                record = new ReadOnlySpan<byte>(scratch, 0, length);
            }

            tail += (ulong)length;
            try
            {
                switch (header->type)
                {
                    case PERF_RECORD_SAMPLE:
                        // PERF_SAMPLE_RAW: u32 size, then the raw bytes (padded by the kernel to 8-byte alignment).
                        int raw = (int)BitConverter.ToUInt32(record.Slice(HeaderSize, 4));
                        sink.OnRecord(record.Slice(HeaderSize + 4, Math.Min(raw, length - HeaderSize - 4)));
                        count++;
                        break;
                    case PERF_RECORD_LOST:
                        // u64 id, u64 lost.
                        lost += (long)BitConverter.ToUInt64(record.Slice(HeaderSize + 8, 8));
                        break;
                    default:
                        break;
                }
            }
            finally
            {
                Volatile.Write(ref page->data_tail, tail);
            }
        }

        return count;
    }
}
