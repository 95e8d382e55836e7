using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace BpfChannels;

/// <summary>
/// An open-addressing index over fixed-size byte keys stored contiguously elsewhere (a snapshot's key
/// buffer). Entry i is the i-th key of that buffer. Allocates only when it grows.
/// </summary>
/// <remarks>
/// Each slot holds the key's 32-bit hash beside its entry number, so a probe for a key that is not there
/// (the common case in a walk) rarely reads the key buffer: only a full hash match is compared byte by byte.
/// </remarks>
internal sealed partial class ByteKeySet
{
    // The fewest slots (64 KiB) an index is shrunk from when it is cleared for a sixteenth of them or fewer.
    private const int ShrinkSlots = 8192;

    private ulong[] _slots = new ulong[16]; // (hash << 32) | (entry + 1); 0 is empty
    private int _shift = 28;                  // slot = hash >> _shift: the hash's high bits, the well-mixed ones
    private int _count;

    internal int Count => _count;

    /// <summary>The number of slots (twice the keys it can hold before it grows).</summary>
    internal int Slots => _slots.Length;

    internal void Clear(int expected)
    {
        int capacity = 16;
        while (capacity < expected * 2)
        {
            capacity <<= 1;
        }

        if (_slots.Length < capacity || (_slots.Length >= ShrinkSlots && _slots.Length / 16 >= capacity))
        {
            // Too small, or grown by a burst (a drain of thousands of notices) far beyond what is indexed now: clearing
            // every slot of it again and again would cost more than the keys themselves.
            SnapshotBufferPool.Return(_slots);
            _slots = RentCleared(capacity);
        }
        else
        {
            Array.Clear(_slots);
        }

        _shift = 32 - BitOperations.Log2((uint)_slots.Length);
        _count = 0;
    }

    /// <summary>Finds <paramref name="key"/> among <paramref name="keys"/>; returns its entry or -1.</summary>
    internal int IndexOf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keys) => IndexOf(key, keys, Hash(key));

    /// <summary>Finds <paramref name="key"/>, whose <see cref="Hash"/> is <paramref name="hash"/>; returns its entry or -1.</summary>
    internal int IndexOf(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keys, uint hash) => Find(key, keys, hash, out _);

    /// <summary>The probe: the entry of <paramref name="key"/> or -1, and the slot it stopped at (the key's, or the empty one where it would go).</summary>
    private int Find(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keys, uint hash, out int slot)
    {
        int size = key.Length;
        int mask = _slots.Length - 1;
        slot = (int)(hash >> _shift);
        while (true)
        {
            ulong stored = _slots[slot];
            if (stored == 0)
            {
                return -1;
            }

            int entry = (int)(uint)stored - 1;
            if ((uint)(stored >> 32) == hash && keys.Slice(entry * size, size).SequenceEqual(key))
            {
                return entry;
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>Asks the CPU to fetch the slot where a probe for <paramref name="hash"/> starts (a hint; x86 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void Prefetch(uint hash)
    {
        if (Sse.IsSupported)
        {
            // Not pinned: if the array moves meanwhile the hint is wasted, nothing else.
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[(int)(hash >> _shift)]));
        }
    }

    /// <summary>Adds entry <paramref name="entry"/> (whose bytes are <paramref name="key"/>); the caller ensures it is absent.</summary>
    internal void Add(ReadOnlySpan<byte> key, int entry) => Add(Hash(key), entry);

    /// <summary>Adds entry <paramref name="entry"/> whose key hashes to <paramref name="hash"/>; the caller ensures it is absent.</summary>
    internal void Add(uint hash, int entry)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        Place(((ulong)hash << 32) | (uint)(entry + 1));
        _count++;
    }

    /// <summary>Rebuilds the index over the first <paramref name="count"/> keys of <paramref name="keys"/>.</summary>
    internal void Build(ReadOnlySpan<byte> keys, int keySize, int count)
    {
        Clear(count);
        for (int i = 0; i < count; i++)
        {
            Place(((ulong)Hash(keys.Slice(i * keySize, keySize)) << 32) | (uint)(i + 1));
        }

        _count = count;
    }

    /// <summary>
    /// Rebuilds the index over the first <paramref name="count"/> entries, dropping every entry whose key an earlier entry
    /// already has: the entries kept move down over the dropped ones, keys and values alike, in their order.
    /// </summary>
    /// <returns>The number of entries kept.</returns>
    internal int BuildUnique(Span<byte> keys, int keySize, Span<byte> values, int valueSize, int count)
    {
        Clear(count);
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> key = keys.Slice(i * keySize, keySize);
            uint hash = Hash(key);
            if (Find(key, keys, hash, out int slot) >= 0)
            {
                continue; // an earlier entry has this key (only entries kept so far are indexed)
            }

            if (kept != i)
            {
                key.CopyTo(keys.Slice(kept * keySize, keySize));
                values.Slice(i * valueSize, valueSize).CopyTo(values.Slice(kept * valueSize, valueSize));
            }

            _slots[slot] = ((ulong)hash << 32) | (uint)(kept + 1);
            kept++;
        }

        _count = kept;
        return kept;
    }

    /// <summary>A well-mixed 32-bit hash of a key (multiplicative for 4- and 8-byte keys).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Hash(ReadOnlySpan<byte> key)
    {
        switch (key.Length)
        {
            case 4:
                return BinaryPrimitives.ReadUInt32LittleEndian(key) * 0x9E3779B1u;
            case 8:
                return (uint)((BinaryPrimitives.ReadUInt64LittleEndian(key) * 0x9E3779B97F4A7C15ul) >> 32);
            default:
                var hash = default(HashCode);
                hash.AddBytes(key);
                return (uint)hash.ToHashCode() * 0x9E3779B1u;
        }
    }

    private void Place(ulong value)
    {
        int mask = _slots.Length - 1;
        int slot = (int)((uint)(value >> 32) >> _shift);
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _slots[slot] = value;
    }

    private void Grow()
    {
        ulong[] old = _slots;
        _slots = RentCleared(old.Length * 2);
        _shift--;
        foreach (ulong stored in old)
        {
            if (stored != 0)
            {
                Place(stored);
            }
        }

        SnapshotBufferPool.Return(old);
    }

    /// <summary>Gives the table to the snapshot pool (for a disposed snapshot) and keeps a minimal empty one.</summary>
    internal void Release()
    {
        if (_slots.Length > 16)
        {
            SnapshotBufferPool.Return(_slots);
            _slots = new ulong[16];
            _shift = 28;
        }

        _count = 0;
    }

    // The table's size is a power of two (the probe masks with it), so only an exact length is reused.
    private static ulong[] RentCleared(int capacity)
    {
        ulong[] slots = SnapshotBufferPool.Rent<ulong>(capacity, exact: true);
        Array.Clear(slots);
        return slots;
    }
}
