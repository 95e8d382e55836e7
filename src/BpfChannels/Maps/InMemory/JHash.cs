using System.Buffers.Binary;
using System.Numerics;

namespace BpfChannels;

/// <summary>
/// The kernel's jhash and jhash2 (include/linux/jhash.h, Bob Jenkins' lookup3), as hash maps use them to pick a
/// bucket (htab_map_hash): keys whose size is a multiple of 4 go through jhash2, others through jhash.
/// </summary>
internal static class JHash
{
    private const uint InitialValue = 0xdeadbeef;

    /// <summary>The bucket hash of a hash map key with seed <paramref name="seed"/> (hashrnd; 0 with BPF_F_ZERO_SEED).</summary>
    internal static uint HashMapKey(ReadOnlySpan<byte> key, uint seed) =>
        (key.Length & 3) == 0 ? Words(key, seed) : Bytes(key, seed);

    /// <summary>jhash2 over the key read as little-endian u32 words.</summary>
    internal static uint Words(ReadOnlySpan<byte> key, uint seed)
    {
        int length = key.Length / 4;
        uint a, b, c;
        a = b = c = InitialValue + ((uint)length << 2) + seed;
        int i = 0;
        while (length > 3)
        {
            a += Word(key, i);
            b += Word(key, i + 1);
            c += Word(key, i + 2);
            Mix(ref a, ref b, ref c);
            length -= 3;
            i += 3;
        }

        switch (length)
        {
            case 3:
                c += Word(key, i + 2);
                b += Word(key, i + 1);
                a += Word(key, i);
                Final(ref a, ref b, ref c);
                break;
            case 2:
                b += Word(key, i + 1);
                a += Word(key, i);
                Final(ref a, ref b, ref c);
                break;
            case 1:
                a += Word(key, i);
                Final(ref a, ref b, ref c);
                break;
            default:
                break;
        }

        return c;
    }

    /// <summary>jhash over arbitrary bytes.</summary>
    internal static uint Bytes(ReadOnlySpan<byte> key, uint seed)
    {
        int length = key.Length;
        uint a, b, c;
        a = b = c = InitialValue + (uint)length + seed;
        int k = 0;
        while (length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(k));
            b += BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(k + 4));
            c += BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(k + 8));
            Mix(ref a, ref b, ref c);
            length -= 12;
            k += 12;
        }

        if (length == 0)
        {
            return c;
        }

        // The tail, as the kernel's fall-through switch adds it: byte j of the last 12 goes into a, b or c at bit 8 * (j % 4).
        ReadOnlySpan<byte> tail = key.Slice(k, length);
        for (int j = length - 1; j >= 0; j--)
        {
            uint part = (uint)tail[j] << (8 * (j % 4));
            switch (j / 4)
            {
                case 2:
                    c += part;
                    break;
                case 1:
                    b += part;
                    break;
                default:
                    a += part;
                    break;
            }
        }

        Final(ref a, ref b, ref c);
        return c;
    }

    private static uint Word(ReadOnlySpan<byte> key, int index) => BinaryPrimitives.ReadUInt32LittleEndian(key.Slice(index * 4));

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
        a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= BitOperations.RotateLeft(b, 14);
        a ^= c; a -= BitOperations.RotateLeft(c, 11);
        b ^= a; b -= BitOperations.RotateLeft(a, 25);
        c ^= b; c -= BitOperations.RotateLeft(b, 16);
        a ^= c; a -= BitOperations.RotateLeft(c, 4);
        b ^= a; b -= BitOperations.RotateLeft(a, 14);
        c ^= b; c -= BitOperations.RotateLeft(b, 24);
    }
}
