namespace BpfChannels;

/// <summary>
/// The buffers of disposed (and grown) snapshots, kept for the next snapshot of about the same size, so that
/// reading a map into a new snapshot again and again (every <c>foreach</c> over a map) neither allocates nor has
/// the kernel's copy fault in fresh pages.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe; a lock is taken once per buffer rented or returned, never per entry. A buffer is handed out only
/// when it has the element type asked for and is at least the length asked for and at most an eighth longer, so a
/// small snapshot never pins a large buffer. At most <see cref="MaxBuffers"/> buffers and <see cref="Limit"/> bytes
/// are kept, the oldest going first; buffers under <see cref="MinBytes"/> are left to the GC, which is cheaper for
/// them than a lock and has no page faults to save.
/// </para>
/// <para>
/// Beside them it keeps one scratch buffer of <see cref="ScratchBytes"/> for the first chunk of a hash's first read
/// (<see cref="RentScratch"/>), outside <see cref="Limit"/>: it never holds a snapshot's data once the read has
/// copied it out, and keeping it is what lets a first read allocate only its data even when no buffers are kept.
/// </para>
/// </remarks>
internal static class SnapshotBufferPool
{
    internal const int MaxBuffers = 32;
    internal const int MinBytes = 4096;
    private static readonly Lock Gate = new();
    private static readonly List<(Array Buffer, long Bytes)> Buffers = new(MaxBuffers); // oldest first
    private static long _limit = 256L << 20;
    private static long _pooledBytes;
    private static byte[]? _scratch;

    /// <summary>The size of the scratch buffer <see cref="RentScratch"/> hands out.</summary>
    internal const int ScratchBytes = 64 * 1024;

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

    /// <summary>
    /// A buffer of at least <paramref name="length"/> elements (exactly that many when <paramref name="exact"/>), not
    /// zeroed: a kept one if one fits, else a new one.
    /// </summary>
    internal static unsafe T[] Rent<T>(int length, bool exact = false)
        where T : unmanaged
    {
        if (length == 0)
        {
            return [];
        }

        if ((long)length * sizeof(T) >= MinBytes)
        {
            lock (Gate)
            {
                int best = -1;
                for (int i = 0; i < Buffers.Count; i++)
                {
                    if (Buffers[i].Buffer is T[] candidate && Fits(candidate.Length, length, exact)
                        && (best < 0 || candidate.Length < Buffers[best].Buffer.Length))
                    {
                        best = i;
                    }
                }

                if (best >= 0)
                {
                    (Array buffer, long bytes) = Buffers[best];
                    Buffers.RemoveAt(best);
                    _pooledBytes -= bytes;
                    return (T[])buffer;
                }
            }
        }

        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Keeps <paramref name="buffer"/> for a later <see cref="Rent"/>; the caller must hold no reference to it any more.</summary>
    internal static unsafe void Return<T>(T[] buffer)
        where T : unmanaged
    {
        long bytes = (long)buffer.Length * sizeof(T);
        if (bytes < MinBytes)
        {
            return;
        }

        lock (Gate)
        {
            if (bytes > _limit)
            {
                return;
            }

            Trim(bytes);
            Buffers.Add((buffer, bytes));
            _pooledBytes += bytes;
        }
    }

    /// <summary>
    /// The scratch buffer (<see cref="ScratchBytes"/>, not zeroed) for the duration of one read: the kept one, or a new
    /// one while another read has it. Give it back with <see cref="ReturnScratch"/>.
    /// </summary>
    internal static byte[] RentScratch() => Interlocked.Exchange(ref _scratch, null) ?? GC.AllocateUninitializedArray<byte>(ScratchBytes);

    /// <summary>Keeps <paramref name="scratch"/> for the next <see cref="RentScratch"/> unless another one is kept already; the caller must hold no reference to it any more.</summary>
    internal static void ReturnScratch(byte[] scratch) => Interlocked.CompareExchange(ref _scratch, scratch, null);

    private static bool Fits(int size, int length, bool exact) => exact ? size == length : size >= length && size - length <= length >> 3;

    // Drops the oldest buffers until 'room' more bytes and one more buffer fit.
    private static void Trim(long room)
    {
        while (Buffers.Count > 0 && (_pooledBytes + room > _limit || (room > 0 && Buffers.Count >= MaxBuffers)))
        {
            _pooledBytes -= Buffers[0].Bytes;
            Buffers.RemoveAt(0);
        }
    }
}
