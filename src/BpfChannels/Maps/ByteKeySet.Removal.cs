namespace BpfChannels;

/// <summary>Taking one entry out of the index, and moving one, for snapshots edited in place (notified channels).</summary>
internal sealed partial class ByteKeySet
{
    /// <summary>Removes entry <paramref name="entry"/>, whose key is <paramref name="key"/>; returns whether it was there.</summary>
    /// <remarks>Backward-shift deletion: the entries after the hole that may move into it do, so no probe ever stops early.</remarks>
    internal bool Remove(ReadOnlySpan<byte> key, int entry)
    {
        int hole = Find(Hash(key), entry);
        if (hole < 0)
        {
            return false;
        }

        int mask = _slots.Length - 1;
        int next = hole;
        while (true)
        {
            next = (next + 1) & mask;
            ulong stored = _slots[next];
            if (stored == 0)
            {
                break;
            }

            // The entry at 'next' stays only if its home slot lies cyclically in (hole, next].
            int home = (int)((uint)(stored >> 32) >> _shift);
            bool stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
            if (!stays)
            {
                _slots[hole] = stored;
                hole = next;
            }
        }

        _slots[hole] = 0;
        _count--;
        return true;
    }

    /// <summary>Entry <paramref name="from"/> (key <paramref name="key"/>) becomes entry <paramref name="to"/>.</summary>
    internal void Renumber(ReadOnlySpan<byte> key, int from, int to)
    {
        uint hash = Hash(key);
        int slot = Find(hash, from);
        if (slot >= 0)
        {
            _slots[slot] = ((ulong)hash << 32) | (uint)(to + 1);
        }
    }

    private int Find(uint hash, int entry)
    {
        int mask = _slots.Length - 1;
        ulong wanted = ((ulong)hash << 32) | (uint)(entry + 1);
        int slot = (int)(hash >> _shift);
        while (true)
        {
            ulong stored = _slots[slot];
            if (stored == 0)
            {
                return -1;
            }

            if (stored == wanted)
            {
                return slot;
            }

            slot = (slot + 1) & mask;
        }
    }
}
