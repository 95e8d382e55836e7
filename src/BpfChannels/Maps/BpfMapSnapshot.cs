namespace BpfChannels;

/// <summary>
/// A reusable copy of a whole map's keys and values, filled by <see cref="BpfMap.ReadSnapshot"/>. Reading
/// into the same snapshot again reuses its buffers, so a steady-state read allocates nothing.
/// </summary>
/// <remarks>Not thread-safe. Keys appear in the map's iteration order.</remarks>
public sealed partial class BpfMapSnapshot
{
    private readonly ByteKeySet _index = new();
    private byte[] _keys = [];
    private byte[] _values = [];
    private bool _indexed;
    private byte[]? _cursorKey;
    private byte[]? _scratch;

    /// <summary>Creates an empty snapshot for a map's key and value buffer sizes.</summary>
    /// <param name="keySize">The key size.</param>
    /// <param name="valueSize">The value buffer size (<see cref="BpfMap.ValueBufferSize"/>).</param>
    public BpfMapSnapshot(int keySize, int valueSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keySize);
        ArgumentOutOfRangeException.ThrowIfNegative(valueSize);
        KeySize = keySize;
        ValueSize = valueSize;
    }

    /// <summary>The key size.</summary>
    public int KeySize { get; }

    /// <summary>The size of each value in <see cref="Values"/>.</summary>
    public int ValueSize { get; }

    /// <summary>The number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>How the last read was done.</summary>
    public BpfMapReadStrategy Strategy { get; internal set; }

    /// <summary>All keys, back to back.</summary>
    public ReadOnlySpan<byte> Keys => _keys.AsSpan(0, Count * KeySize);

    /// <summary>All values, back to back, in key order.</summary>
    public ReadOnlySpan<byte> Values => _values.AsSpan(0, Count * ValueSize);

    /// <summary>The key of entry <paramref name="index"/>.</summary>
    /// <param name="index">The entry.</param>
    /// <returns>The key bytes.</returns>
    public ReadOnlySpan<byte> KeyAt(int index) => _keys.AsSpan(CheckIndex(index) * KeySize, KeySize);

    /// <summary>The value of entry <paramref name="index"/>.</summary>
    /// <param name="index">The entry.</param>
    /// <returns>The value bytes.</returns>
    public ReadOnlySpan<byte> ValueAt(int index) => _values.AsSpan(CheckIndex(index) * ValueSize, ValueSize);

    /// <summary>Finds a key; builds a hash index on first use after a read.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The entry, or -1.</returns>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key is {key.Length} bytes; this snapshot holds {KeySize}-byte keys.", nameof(key));
        }

        return IndexOfKey(key);
    }

    /// <summary><see cref="IndexOf"/> for a key the caller has checked is <see cref="KeySize"/> bytes.</summary>
    internal int IndexOfKey(ReadOnlySpan<byte> key)
    {
        if (!_indexed)
        {
            _index.Build(_keys, KeySize, Count);
            _indexed = true;
        }

        return _index.IndexOf(key, _keys);
    }

    /// <summary>Copies another snapshot's contents into this one (reusing buffers).</summary>
    /// <param name="other">The snapshot to copy.</param>
    public void CopyFrom(BpfMapSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.KeySize != KeySize || other.ValueSize != ValueSize)
        {
            throw new ArgumentException("The snapshots hold different key or value sizes.", nameof(other));
        }

        Reset(other.Count);
        other.Keys.CopyTo(_keys);
        other.Values.CopyTo(_values);
        Count = other.Count;
        Strategy = other.Strategy;
    }

    /// <summary>Empties the snapshot and makes room for <paramref name="capacity"/> entries (exactly that many when it grows).</summary>
    internal void Reset(int capacity)
    {
        Count = 0;
        _indexed = false;
        EnsureExactCapacity(capacity, keep: 0);
    }

    /// <summary>
    /// Makes room for <paramref name="capacity"/> entries, keeping every entry the buffers hold (a read in progress
    /// has not set <see cref="Count"/> yet). Grows by at least half again, so a walk that adds one entry at a time
    /// copies each entry a bounded number of times.
    /// </summary>
    internal void EnsureCapacity(int capacity)
    {
        if (_keys.Length < capacity * KeySize)
        {
            Grow(Math.Max(capacity, Math.Max(16, Capacity + (Capacity >> 1))));
        }
    }

    /// <summary>Makes room for exactly <paramref name="capacity"/> entries when there is less, keeping the first <paramref name="keep"/>.</summary>
    /// <remarks>
    /// For a read whose size is known before it starts (a map's max_entries), so a first read allocates what the
    /// data needs and no more. The new buffers are not zeroed: only the <see cref="Count"/> entries the read
    /// writes are ever visible.
    /// </remarks>
    internal void EnsureExactCapacity(int capacity, int keep)
    {
        if (Capacity < capacity)
        {
            Grow(capacity, keep);
        }
    }

    private void Grow(int capacity) => Grow(capacity, Capacity);

    private void Grow(int capacity, int keep)
    {
        byte[] keys = GC.AllocateUninitializedArray<byte>(capacity * KeySize);
        byte[] values = GC.AllocateUninitializedArray<byte>(capacity * ValueSize);
        _keys.AsSpan(0, Math.Min(keep, Capacity) * KeySize).CopyTo(keys);
        _values.AsSpan(0, Math.Min(keep, Capacity) * ValueSize).CopyTo(values);
        _keys = keys;
        _values = values;
    }

    internal int Capacity => _keys.Length / KeySize;

    /// <summary>Room for entries after <paramref name="index"/>, in entries.</summary>
    internal int Room(int index) => Capacity - index;

    internal Span<byte> KeySlot(int index) => _keys.AsSpan(index * KeySize, KeySize);

    internal Span<byte> ValueSlot(int index) => _values.AsSpan(index * ValueSize, ValueSize);

    internal Span<byte> KeyRange(int index, int count) => _keys.AsSpan(index * KeySize, count * KeySize);

    internal Span<byte> ValueRange(int index, int count) => _values.AsSpan(index * ValueSize, count * ValueSize);

    internal byte[] KeyBuffer => _keys;

    internal void SetCount(int count) => Count = count;

    /// <summary>The walk's index of keys seen so far (used by get_next_key reads).</summary>
    internal ByteKeySet WalkIndex => _index;

    internal void MarkIndexed() => _indexed = true;

    /// <summary>The batch cursor reused by batch reads.</summary>
    internal BpfMapBatchCursor Cursor { get; } = new();

    /// <summary>The walk's cursor key buffer.</summary>
    internal byte[] CursorKey => _cursorKey ??= new byte[KeySize];

    /// <summary>A scratch value buffer of at least <paramref name="size"/> bytes.</summary>
    internal byte[] ScratchValue(int size) => _scratch is { } s && s.Length >= size ? s : _scratch = new byte[Math.Max(size, 1)];

    private int CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return index;
    }
}
