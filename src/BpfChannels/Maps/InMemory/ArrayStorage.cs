using System.Buffers.Binary;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// Array, per-CPU array and array of maps (kernel/bpf/arraymap.c): one slot per index in native memory, each
/// <c>round_up(value_size, 8)</c> bytes (per CPU for per-CPU arrays), zero-filled, never deleted (except map
/// slots). Sizes are 64-bit, so arrays over 2 GiB work as they do in the kernel.
/// </summary>
internal sealed unsafe class ArrayStorage : ITwinStorage
{
    private readonly BpfMapSpec _spec;
    private readonly uint _maxEntries;
    private readonly int _valueSize;
    private readonly int _slotSize;
    private readonly int _spinLockOffset;
    private readonly InMemoryBpfMap?[]? _inner; // array of maps: the inner twin in each slot, null when empty

    internal ArrayStorage(BpfMapSpec spec, int valueBufferSize, int spinLockOffset)
    {
        _spec = spec;
        _maxEntries = (uint)spec.MaxEntries;
        _valueSize = valueBufferSize;
        _slotSize = spec.IsPerCpu ? valueBufferSize : BpfMap.PerCpuStride(spec.ValueSize);
        _spinLockOffset = spinLockOffset;
        _inner = spec.Type == BpfMapType.ArrayOfMaps ? new InMemoryBpfMap?[spec.MaxEntries] : null;
        Memory = TwinMemory.Allocate((ulong)_slotSize * _maxEntries, spec.Name);
    }

    /// <summary>The slots, for mmap of <see cref="BpfMapFlags.Mmapable"/> arrays.</summary>
    internal TwinMemory Memory { get; }

    public TwinBatchSupport BatchSupport => TwinBatchSupport.Lookup | TwinBatchSupport.Update;

    public int Lookup(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= _maxEntries || (_inner is not null && _inner[index] is null))
        {
            return ENOENT;
        }

        Slot(index).Slice(0, _valueSize).CopyTo(value);
        return 0;
    }

    public int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (_inner is not null)
        {
            // bpf_fd_array_map_update_elem: only BPF_ANY, then the index, then the descriptor.
            if (flags != TwinRules.BPF_ANY)
            {
                return EINVAL;
            }

            if (index >= _maxEntries)
            {
                return E2BIG;
            }

            int resolved = TwinInnerMaps.Resolve(value, _spec, out InMemoryBpfMap? inner);
            if (resolved != 0)
            {
                return resolved;
            }

            value.CopyTo(Slot(index));
            _inner[index] = inner;
            return 0;
        }

        // array_map_update_elem and bpf_percpu_array_update: flags, then the index, then NoExist (every index exists).
        if (!TwinRules.ValidElementFlags(flags))
        {
            return EINVAL;
        }

        if (index >= _maxEntries)
        {
            return E2BIG;
        }

        if ((flags & ~TwinRules.BPF_F_LOCK) == TwinRules.BPF_NOEXIST)
        {
            return EEXIST;
        }

        TwinRules.StoreValue(value, Slot(index).Slice(0, _valueSize), _spinLockOffset);
        return 0;
    }

    public int Delete(ReadOnlySpan<byte> key)
    {
        if (_inner is null)
        {
            return EINVAL; // array_map_delete_elem
        }

        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= _maxEntries)
        {
            return E2BIG;
        }

        if (_inner[index] is null)
        {
            return ENOENT;
        }

        _inner[index] = null;
        Slot(index).Clear();
        return 0;
    }

    public int LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, ulong flags) => ENOTSUPP;

    public int GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        // array_map_get_next_key: an index past the end (or none) restarts at 0; the last index has no next.
        uint index = key.IsEmpty ? uint.MaxValue : BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= _maxEntries)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(nextKey, 0);
            return 0;
        }

        if (index == _maxEntries - 1)
        {
            return ENOENT;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(nextKey, index + 1);
        return 0;
    }

    public int LookupBatch(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags) =>
        TwinBatch.UseGeneric;

    private Span<byte> Slot(uint index) => new(Memory.Pointer + ((ulong)index * (ulong)_slotSize), _slotSize);
}
