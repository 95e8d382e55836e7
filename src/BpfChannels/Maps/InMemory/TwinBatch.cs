using System.Buffers.Binary;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// The kernel's generic batch commands (kernel/bpf/syscall.c): lookup as a get_next_key walk whose cursor is the
/// last key returned, update and delete as element operations in order that stop at the first failure.
/// </summary>
internal static class TwinBatch
{
    /// <summary>Returned by <see cref="ITwinStorage.LookupBatch"/> of a type whose lookup batch is the generic one.</summary>
    internal const int UseGeneric = -1;

    /// <summary>
    /// generic_map_lookup_batch: walks with get_next_key from the cursor key, skips keys whose lookup says ENOENT
    /// (empty map-of-maps slots), and stops when the buffer is full or the walk ends (ENOENT). The cursor is
    /// written only when something was copied, so a call that copies nothing leaves it as it was.
    /// </summary>
    internal static int GenericLookup(ITwinStorage storage, int keySize, int valueSize, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags)
    {
        int max = count;
        count = 0;
        Span<byte> scratch = keySize <= 128 ? stackalloc byte[keySize * 2] : new byte[keySize * 2];
        Span<byte> previous = scratch.Slice(0, keySize);
        Span<byte> key = scratch.Slice(keySize, keySize);
        bool hasPrevious = !inBatch.IsEmpty;
        if (hasPrevious)
        {
            inBatch.Slice(0, keySize).CopyTo(previous);
        }

        int copied = 0;
        int err = 0;
        while (copied < max)
        {
            err = storage.GetNextKey(hasPrevious ? previous : default, key);
            if (err != 0)
            {
                break;
            }

            err = storage.Lookup(key, values.Slice(copied * valueSize, valueSize), elemFlags);
            if (err == 0)
            {
                key.CopyTo(keys.Slice(copied * keySize));
                copied++;
            }
            else if (err != ENOENT)
            {
                return err;
            }

            key.CopyTo(previous);
            hasPrevious = true;
        }

        count = copied;
        if (copied > 0)
        {
            previous.CopyTo(outBatch);
        }

        return err;
    }

    /// <summary>generic_map_update_batch: each element with elem_flags, stopping at the first failure; count is how many succeeded.</summary>
    internal static int GenericUpdate(ITwinStorage storage, int keySize, int valueSize, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref int count, ulong elemFlags)
    {
        int max = count;
        count = 0;
        for (int i = 0; i < max; i++)
        {
            int err = storage.Update(keys.Slice(i * keySize, keySize), values.Slice(i * valueSize, valueSize), elemFlags);
            if (err != 0)
            {
                return err;
            }

            count = i + 1;
        }

        return 0;
    }

    /// <summary>generic_map_delete_batch: each key in order, stopping at the first failure.</summary>
    internal static int GenericDelete(ITwinStorage storage, int keySize, ReadOnlySpan<byte> keys, ref int count)
    {
        int max = count;
        count = 0;
        for (int i = 0; i < max; i++)
        {
            int err = storage.Delete(keys.Slice(i * keySize, keySize));
            if (err != 0)
            {
                return err;
            }

            count = i + 1;
        }

        return 0;
    }

    /// <summary>Reads a u32 bucket or index cursor.</summary>
    internal static uint ReadCursor(ReadOnlySpan<byte> inBatch) => BinaryPrimitives.ReadUInt32LittleEndian(inBatch);
}
