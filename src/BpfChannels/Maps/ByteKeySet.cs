using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace BpfChannels;

/// <summary>
/// An open-addressing index over fixed-size byte keys stored contiguously elsewhere (a snapshot's key
/// buffer). Entry i is the i-th key of that buffer. Allocates only when it grows.
/// </summary>
internal sealed class ByteKeySet
{
    private int[] _slots = new int[16];
    private int _mask = 15;
    private int _count;

    internal int Count => _count;

    internal void Clear(int expected)
    {
        int capacity = 16;
        while (capacity < expected * 2)
        {
            capacity <<= 1;
        }

        if (_slots.Length < capacity)
        {
            _slots = new int[capacity];
        }
        else
        {
            Array.Clear(_slots);
        }

        _mask = _slots.Length - 1;
        _count = 0;
    }

    /// <summary>Finds <paramref name="key"/> among <paramref name="keys"/>; returns its entry or -1.</summary>
    internal int IndexOf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keys)
    {
        int size = key.Length;
        int slot = Hash(key) & _mask;
        while (true)
        {
            int entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return -1;
            }

            if (keys.Slice(entry * size, size).SequenceEqual(key))
            {
                return entry;
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Adds entry <paramref name="entry"/> (whose bytes are <paramref name="key"/>); the caller ensures it is absent.</summary>
    internal void Add(ReadOnlySpan<byte> key, int entry, ReadOnlySpan<byte> keys)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow(key.Length, keys);
        }

        int slot = Hash(key) & _mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & _mask;
        }

        _slots[slot] = entry + 1;
        _count++;
    }

    /// <summary>Rebuilds the index over the first <paramref name="count"/> keys of <paramref name="keys"/>.</summary>
    internal void Build(ReadOnlySpan<byte> keys, int keySize, int count)
    {
        Clear(count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> key = keys.Slice(i * keySize, keySize);
            int slot = Hash(key) & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = i + 1;
        }

        _count = count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Hash(ReadOnlySpan<byte> key)
    {
        switch (key.Length)
        {
            case 4:
                return (int)((BinaryPrimitives.ReadUInt32LittleEndian(key) * 0x9E3779B1u) >> 7);
            case 8:
                ulong v = BinaryPrimitives.ReadUInt64LittleEndian(key) * 0x9E3779B97F4A7C15ul;
                return (int)(v >> 29);
            default:
                var hash = default(HashCode);
                hash.AddBytes(key);
                return hash.ToHashCode();
        }
    }

    private void Grow(int keySize, ReadOnlySpan<byte> keys)
    {
        int count = _count;
        int[] old = _slots;
        _slots = new int[old.Length * 2];
        _mask = _slots.Length - 1;
        foreach (int stored in old)
        {
            if (stored == 0)
            {
                continue;
            }

            int slot = Hash(keys.Slice((stored - 1) * keySize, keySize)) & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = stored;
        }

        _count = count;
    }
}
