using static BpfChannels.Interop.Errno;

namespace BpfChannels;

public abstract partial class BpfMap
{
    /// <summary>
    /// Reads the next batch of elements (BPF_MAP_LOOKUP_BATCH). The number of elements asked for is
    /// <c>keys.Length / KeySize</c>; <paramref name="values"/> must hold as many values.
    /// </summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    /// <param name="cursor">Where the walk is; <see cref="BpfMapBatchCursor.IsComplete"/> turns true at the end.</param>
    /// <param name="keys">Receives the keys.</param>
    /// <param name="values">Receives the values (<see cref="ValueBufferSize"/> bytes each).</param>
    /// <param name="flags">Lookup flags (Lock).</param>
    /// <returns>The number of elements read.</returns>
    /// <exception cref="ArgumentException">The buffers' sizes do not fit the map.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">ENOSPC (a hash bucket holds more elements than the buffers), ENOTSUPP/EINVAL (no batch support for this type), or another error.</exception>
    public int LookupBatch(BpfMapBatchCursor cursor, Span<byte> keys, Span<byte> values, BpfMapLookupFlags flags = BpfMapLookupFlags.None)
        => LookupBatchChecked(cursor, keys, values, flags, delete: false);

    /// <summary>Reads and deletes the next batch of elements (BPF_MAP_LOOKUP_AND_DELETE_BATCH; hash maps).</summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    /// <param name="cursor">Where the walk is.</param>
    /// <param name="keys">Receives the keys.</param>
    /// <param name="values">Receives the values.</param>
    /// <param name="flags">Lookup flags (Lock).</param>
    /// <returns>The number of elements read and deleted.</returns>
    /// <exception cref="ArgumentException">The buffers' sizes do not fit the map.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">ENOSPC, ENOTSUPP (arrays cannot delete), or another error.</exception>
    public int LookupAndDeleteBatch(BpfMapBatchCursor cursor, Span<byte> keys, Span<byte> values, BpfMapLookupFlags flags = BpfMapLookupFlags.None)
        => LookupBatchChecked(cursor, keys, values, flags, delete: true);

    /// <summary>
    /// Writes many elements in one syscall (BPF_MAP_UPDATE_BATCH). The kernel applies
    /// <paramref name="flags"/> to each element in order and stops at the first failure.
    /// </summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    /// <param name="keys">The keys, <see cref="KeySize"/> bytes each.</param>
    /// <param name="values">The values, <see cref="ValueBufferSize"/> bytes each.</param>
    /// <param name="flags">Flags applied to every element.</param>
    /// <returns>The number of elements written (all of them).</returns>
    /// <exception cref="ArgumentException">The buffers' sizes do not fit the map.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfBatchException">An element failed; <see cref="BpfBatchException.Completed"/> elements before it were written.</exception>
    public int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, BpfMapUpdateFlags flags = BpfMapUpdateFlags.Any)
    {
        int count = CheckBatch(keys.Length, values.Length);
        CheckUpdateFlags(flags);
        int done = count;
        int err = count == 0 ? 0 : UpdateBatchCore(keys, values, ref done, (ulong)flags);
        return err == 0 ? count : throw BatchError(err, BpfCommand.MapUpdateBatch, done);
    }

    /// <summary>Deletes many keys in one syscall (BPF_MAP_DELETE_BATCH), stopping at the first missing key.</summary>
    /// <remarks>Requires Linux 5.6 or later.</remarks>
    /// <param name="keys">The keys, <see cref="KeySize"/> bytes each.</param>
    /// <returns>The number of keys deleted (all of them).</returns>
    /// <exception cref="ArgumentException">The buffer's size does not fit the map.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfBatchException">A key failed (ENOENT if missing); <see cref="BpfBatchException.Completed"/> keys before it were deleted.</exception>
    public int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        int count = CheckBatch(keys.Length, -1);
        int done = count;
        int err = count == 0 ? 0 : DeleteBatchCore(keys, ref done, 0);
        return err == 0 ? count : throw BatchError(err, BpfCommand.MapDeleteBatch, done);
    }

    private int LookupBatchChecked(BpfMapBatchCursor cursor, Span<byte> keys, Span<byte> values, BpfMapLookupFlags flags, bool delete)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        CheckLookupFlags(flags);
        int count = CheckBatch(keys.Length, values.Length);
        if (cursor.IsComplete || count == 0)
        {
            return 0;
        }

        BpfCommand command = delete ? BpfCommand.MapLookupAndDeleteBatch : BpfCommand.MapLookupBatch;
        int err = BatchStep(cursor, delete, keys, values, ref count, (ulong)flags);
        return err == 0 ? count : throw Error(err, command);
    }

    /// <summary>One batch step; on ENOENT (the end) marks the cursor complete and returns 0 with the last count.</summary>
    internal int BatchStep(BpfMapBatchCursor cursor, bool delete, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags)
    {
        Span<byte> token = cursor.Token(KeySize);
        ReadOnlySpan<byte> inBatch = cursor.Started ? token : default;
        int err = LookupBatchCore(delete, inBatch, token, keys, values, ref count, elemFlags);
        if (err == ENOENT)
        {
            cursor.IsComplete = true;
            return 0;
        }

        if (err != 0)
        {
            count = 0;
            return err;
        }

        cursor.Started = true;
        return 0;
    }

    private int CheckBatch(int keyBytes, int valueBytes)
    {
        if (KeySize == 0 || keyBytes % KeySize != 0)
        {
            throw new ArgumentException($"Batch keys must be a whole number of {KeySize}-byte keys of map '{Name}' ({Type}); got {keyBytes} bytes.", "keys");
        }

        int count = keyBytes / KeySize;
        if (valueBytes >= 0 && valueBytes != count * ValueBufferSize)
        {
            throw new ArgumentException($"Batch values must hold {count} values of {ValueBufferSize} bytes ({count * ValueBufferSize} bytes); got {valueBytes}.", "values");
        }

        ThrowIfDisposed();
        return count;
    }

    private BpfBatchException BatchError(int errno, BpfCommand command, int completed)
    {
        BpfException inner = Error(errno, command);
        return new BpfBatchException($"{inner.Message} {completed} element(s) before the failing one were applied.", inner.Command, Name, errno, completed);
    }
}
