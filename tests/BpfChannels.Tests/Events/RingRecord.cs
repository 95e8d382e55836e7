using System.Runtime.InteropServices;

namespace BpfChannels.Tests.Events;

/// <summary>The 64-byte record of ringbuf_emit.bpf.c and perf_emit.bpf.c (a sequence number and seven derived words).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RingRecord
{
    public ulong Seq;
    public fixed ulong Words[7];

    public readonly ulong LastWord => Words[6];

    /// <summary>The words ringbuf_emit.bpf.c derives from a sequence number.</summary>
    public static ulong Word(ulong seq, uint k) => unchecked(seq * 0x9E3779B97F4A7C15UL) ^ ((ulong)k << 56) ^ k;

    /// <summary>Whether the record carries the content ringbuf_emit.bpf.c writes for its sequence number.</summary>
    public readonly bool IsIntact()
    {
        for (uint k = 0; k < 7; k++)
        {
            if (Words[k] != Word(Seq, k))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The argument struct of ringbuf_emit.bpf.c's emit_records.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EmitArgs
{
    public ulong Start;
    public uint Count;
    public uint DiscardEvery;
    public uint Target;
    public uint Failed;
}
