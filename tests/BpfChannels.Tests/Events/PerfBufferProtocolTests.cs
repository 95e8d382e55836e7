using System.Runtime.InteropServices;
using BpfChannels.Events;
using static BpfChannels.Interop.PerfEvent;

namespace BpfChannels.Tests.Events;

/// <summary>The perf ring record parsing (samples, lost records, wrap-around) against a ring in ordinary memory.</summary>
public sealed unsafe class PerfBufferProtocolTests : IDisposable
{
    private const int Size = 256;
    private readonly perf_event_mmap_page* _page = (perf_event_mmap_page*)NativeMemory.AllocZeroed((nuint)sizeof(perf_event_mmap_page));
    private readonly byte* _data = (byte*)NativeMemory.AllocZeroed(Size);

    public void Dispose()
    {
        NativeMemory.Free(_page);
        NativeMemory.Free(_data);
    }

    [Fact]
    public void Consume_SamplesAndLostRecord_DeliversRawDataAndCountsLost()
    {
        WriteSample([1, 2, 3, 4]);
        WriteLost(17);
        WriteSample([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
        var seen = new List<byte[]>();
        long lost = 0;

        int count = Consume(seen, ref lost);

        Assert.Equal(2, count);
        Assert.Equal(17, lost);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, seen[0]);
        Assert.Equal(12, seen[1].Length);
        Assert.Equal(_page->data_head, _page->data_tail);
    }

    [Fact]
    public void Consume_RecordWrappingTheEnd_IsReassembledFromBothEnds()
    {
        long lost = 0;
        WriteSample(new byte[200]);
        Assert.Equal(1, Consume([], ref lost));

        byte[] payload = new byte[36];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i + 1);
        }

        ulong start = _page->data_head;
        WriteSample(payload);
        Assert.True((start % Size) + 48 > Size);
        var seen = new List<byte[]>();

        Assert.Equal(1, Consume(seen, ref lost));
        Assert.Equal(payload, seen[0]);
    }

    [Fact]
    public void Consume_NothingNew_ReturnsZeroAndLeavesTail()
    {
        WriteSample([5, 5, 5, 5]);
        long lost = 0;
        Assert.Equal(1, Consume([], ref lost));
        ulong tail = _page->data_tail;

        Assert.Equal(0, Consume([], ref lost));
        Assert.Equal(tail, _page->data_tail);
    }

    private int Consume(List<byte[]> into, ref long lost)
    {
        byte[] scratch = new byte[8];
        var sink = new CollectingSink(into);
        return PerfBufferProtocol.Consume(_page, _data, Size, ref scratch, ref sink, ref lost);
    }

    // A sample record: header, u32 raw size, raw bytes, padded to 8 bytes as the kernel does.
    private void WriteSample(byte[] raw)
    {
        int size = (8 + 4 + raw.Length + 7) & ~7;
        byte[] record = new byte[size];
        MemoryMarshal.Write(record, PERF_RECORD_SAMPLE);
        MemoryMarshal.Write(record.AsSpan(6), (ushort)size);
        MemoryMarshal.Write(record.AsSpan(8), (uint)raw.Length);
        raw.CopyTo(record, 12);
        Append(record);
    }

    private void WriteLost(ulong count)
    {
        byte[] record = new byte[24];
        MemoryMarshal.Write(record, PERF_RECORD_LOST);
        MemoryMarshal.Write(record.AsSpan(6), (ushort)24);
        MemoryMarshal.Write(record.AsSpan(16), count);
        Append(record);
    }

    private void Append(byte[] record)
    {
        ulong head = _page->data_head;
        for (int i = 0; i < record.Length; i++)
        {
            _data[(head + (ulong)i) % Size] = record[i];
        }

        _page->data_head = head + (ulong)record.Length;
    }
}
