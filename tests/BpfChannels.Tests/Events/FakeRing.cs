using System.Runtime.InteropServices;
using BpfChannels.Events;

namespace BpfChannels.Tests.Events;

/// <summary>
/// A ring buffer in ordinary memory laid out like the kernel's (consumer position, producer position, data
/// area of twice the size), playing the kernel's part so the record protocol can be tested without it. Bytes
/// written past the end of the first copy are mirrored into the second, as the kernel's double mapping does.
/// </summary>
internal sealed unsafe class FakeRing : IDisposable
{
    public FakeRing(int size)
    {
        Size = size;
        Positions = (ulong*)NativeMemory.AllocZeroed(16);
        Data = (byte*)NativeMemory.AllocZeroed((nuint)(2 * size));
    }

    public int Size { get; }

    public ulong* Positions { get; }

    public ulong* ConsumerPos => Positions;

    public ulong* ProducerPos => Positions + 1;

    public byte* Data { get; }

    public ulong Mask => (ulong)Size - 1;

    /// <summary>Writes a record header and payload at the producer position and advances it.</summary>
    public ulong Write(ReadOnlySpan<byte> payload, uint flags = 0)
    {
        ulong position = *ProducerPos;
        Span<byte> header = stackalloc byte[8];
        MemoryMarshal.Write(header, (uint)payload.Length | flags);
        MemoryMarshal.Write(header[4..], 0u);
        Put(position, header);
        Put(position + 8, payload);
        *ProducerPos = position + RingBufferProtocol.RoundUp((uint)payload.Length);
        return position;
    }

    /// <summary>Sets the header flags of the record at <paramref name="position"/> (as a commit would).</summary>
    public void SetFlags(ulong position, uint flags)
    {
        uint* header = (uint*)(Data + (position & Mask));
        *header = (*header & ~(RingBufferProtocol.BusyBit | RingBufferProtocol.DiscardBit)) | flags;
        Mirror(position, 4);
    }

    public void Dispose()
    {
        NativeMemory.Free(Positions);
        NativeMemory.Free(Data);
    }

    private void Put(ulong position, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            Data[(position + (ulong)i) & Mask] = bytes[i];
        }

        Mirror(position, bytes.Length);
    }

    private void Mirror(ulong position, int length)
    {
        for (int i = 0; i < length; i++)
        {
            ulong offset = (position + (ulong)i) & Mask;
            Data[offset + (ulong)Size] = Data[offset];
        }
    }
}
