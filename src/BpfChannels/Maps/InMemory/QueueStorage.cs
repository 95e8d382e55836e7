using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// A queue or stack (kernel/bpf/queue_stack_maps.c): a ring of max_entries values, popped from the oldest end
/// (queue) or the newest (stack). BPF_EXIST pushes onto a full map by overwriting the oldest value.
/// </summary>
internal sealed class QueueStorage : ITwinStorage
{
    private readonly byte[] _ring;
    private readonly int _valueSize;
    private readonly int _capacity;
    private readonly bool _stack;
    private int _head; // index of the oldest value
    private int _count;

    internal QueueStorage(BpfMapSpec spec)
    {
        _valueSize = spec.ValueSize;
        _capacity = spec.MaxEntries;
        _stack = spec.Type == BpfMapType.Stack;
        _ring = new byte[checked((long)_valueSize * _capacity)];
    }

    public TwinBatchSupport BatchSupport => TwinBatchSupport.None;

    public int Lookup(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        if (_count == 0)
        {
            return ENOENT;
        }

        Element(TopIndex()).CopyTo(value);
        return 0;
    }

    public int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        // queue_stack_map_push_elem: NoExist or unknown flags are EINVAL; full is E2BIG unless BPF_EXIST replaces the oldest.
        if ((flags & TwinRules.BPF_NOEXIST) != 0 || flags > TwinRules.BPF_EXIST)
        {
            return EINVAL;
        }

        if (_count == _capacity)
        {
            if (flags != TwinRules.BPF_EXIST)
            {
                return E2BIG;
            }

            _head = (_head + 1) % _capacity;
            _count--;
        }

        value.CopyTo(Element((_head + _count) % _capacity));
        _count++;
        return 0;
    }

    public int Delete(ReadOnlySpan<byte> key) => EINVAL;

    public int LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        if (_count == 0)
        {
            return ENOENT;
        }

        int top = TopIndex();
        Element(top).CopyTo(value);
        if (!_stack)
        {
            _head = (_head + 1) % _capacity;
        }

        _count--;
        return 0;
    }

    public int GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => EINVAL;

    public int LookupBatch(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags) => ENOTSUPP;

    private int TopIndex() => _stack ? (_head + _count - 1) % _capacity : _head;

    private Span<byte> Element(int index) => _ring.AsSpan(index * _valueSize, _valueSize);
}
