namespace BpfChannels;

/// <summary>
/// The buffers of disposed (and grown) snapshots, kept for the next snapshot of about the same size, so that
/// reading a map into a new snapshot again and again (every <c>foreach</c> over a map) neither allocates nor has
/// the kernel's copy fault in fresh pages.
/// </summary>
/// <remarks>
/// Thread-safe; a lock is taken once per buffer rented or returned, never per entry. A buffer is handed out only
/// when it is at least the size asked for and at most an eighth larger, so a small snapshot never pins a large
/// buffer. At most <see cref="MaxBuffers"/> buffers and <see cref="Limit"/> bytes are kept; the oldest go first.
/// </remarks>
internal static class SnapshotBufferPool
{
    internal const int MaxBuffers = 32;
    private static readonly Lock Gate = new();
    private static readonly List<byte[]> Buffers = new(MaxBuffers); // oldest first
    private static long _limit = 256L << 20;
    private static long _pooledBytes;

    /// <summary>The most bytes kept; lowering it drops the oldest buffers at once.</summary>
    internal static long Limit
    {
        get => Volatile.Read(ref _limit);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (Gate)
            {
                _limit = value;
                Trim(0);
            }
        }
    }

    /// <summary>The bytes kept now.</summary>
    internal static long PooledBytes
    {
        get
        {
            lock (Gate)
            {
                return _pooledBytes;
            }
        }
    }

    /// <summary>A buffer of at least <paramref name="length"/> bytes, not zeroed: a kept one if one fits, else a new one.</summary>
    internal static byte[] Rent(int length)
    {
        if (length == 0)
        {
            return [];
        }

        lock (Gate)
        {
            int best = -1;
            for (int i = 0; i < Buffers.Count; i++)
            {
                int size = Buffers[i].Length;
                if (size >= length && size - length <= length >> 3 && (best < 0 || size < Buffers[best].Length))
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                byte[] buffer = Buffers[best];
                Buffers.RemoveAt(best);
                _pooledBytes -= buffer.Length;
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Keeps <paramref name="buffer"/> for a later <see cref="Rent"/>; the caller must hold no reference to it any more.</summary>
    internal static void Return(byte[] buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }

        lock (Gate)
        {
            if (buffer.Length > _limit)
            {
                return;
            }

            Trim(buffer.Length);
            Buffers.Add(buffer);
            _pooledBytes += buffer.Length;
        }
    }

    // Drops the oldest buffers until 'room' more bytes and one more buffer fit.
    private static void Trim(long room)
    {
        while (Buffers.Count > 0 && (_pooledBytes + room > _limit || (room > 0 && Buffers.Count >= MaxBuffers)))
        {
            _pooledBytes -= Buffers[0].Length;
            Buffers.RemoveAt(0);
        }
    }
}
