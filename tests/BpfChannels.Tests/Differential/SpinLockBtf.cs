using System.Buffers.Binary;
using System.Text;

namespace BpfChannels.Tests.Differential;

/// <summary>
/// Raw BTF for <c>struct val { int a; struct bpf_spin_lock lock; long long b; }</c> (16 bytes, the lock at offset 4)
/// with an <c>int</c> key: what a map needs for BPF_F_LOCK. Type ids: 1 int, 2 struct bpf_spin_lock, 3 long long, 4 struct val.
/// </summary>
public static class SpinLockBtf
{
    public const uint KeyTypeId = 1;
    public const uint ValueTypeId = 4;
    public const int ValueSize = 16;
    public const int LockOffset = 4;

    private const uint KindInt = 1;
    private const uint KindStruct = 4;

    public static byte[] Build()
    {
        var strings = new List<byte> { 0 };
        uint Name(string name)
        {
            uint offset = (uint)strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes(name));
            strings.Add(0);
            return offset;
        }

        var types = new List<uint>();
        void Type(uint name, uint kind, uint vlen, uint size) => types.AddRange([name, (kind << 24) | vlen, size]);

        Type(Name("int"), KindInt, 0, 4);
        types.Add((1u << 24) | 32); // signed, 32 bits
        Type(Name("bpf_spin_lock"), KindStruct, 1, 4);
        types.AddRange([Name("val"), 1, 0]);
        Type(Name("long long"), KindInt, 0, 8);
        types.Add((1u << 24) | 64);
        Type(Name("val"), KindStruct, 3, ValueSize);
        types.AddRange([Name("a"), 1, 0]);
        types.AddRange([Name("lock"), 2, LockOffset * 8]);
        types.AddRange([Name("b"), 3, 64]);

        const int headerLength = 24;
        int typeBytes = types.Count * 4;
        byte[] blob = new byte[headerLength + typeBytes + strings.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, 0xeB9F);
        blob[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), headerLength);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)typeBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)typeBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)strings.Count);
        for (int i = 0; i < types.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(headerLength + (i * 4)), types[i]);
        }

        strings.CopyTo(blob, headerLength + typeBytes);
        return blob;
    }
}
