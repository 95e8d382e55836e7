namespace BpfChannels;

/// <summary>
/// A reusable copy of a whole map's keys and values, filled by <see cref="BpfMap.ReadSnapshot"/>. Reading
/// into the same snapshot again reuses its buffers, so a steady-state read allocates nothing.
/// </summary>
/// <remarks>
/// <para>Not thread-safe. Keys appear in the map's iteration order.</para>
/// <para>
/// Disposing a snapshot hands its buffers to a process-wide pool, from which the next new snapshot of about the
/// same size takes them: reading a map into a new snapshot and disposing it, again and again, then allocates
/// nothing and the kernel copies into memory that is already paged in (a first read into new memory pays one
/// page fault per 4 KiB). After <see cref="Dispose"/> every accessor throws <see cref="ObjectDisposedException"/>,
/// so a pooled buffer cannot be read through the snapshot that gave it back. A span taken from
/// <see cref="Keys"/>, <see cref="Values"/>, <see cref="KeyAt"/> or <see cref="ValueAt"/> is valid until the
/// snapshot is next read into, copied into or disposed: do not use it after that (the buffer behind it may
/// already hold another snapshot's data). A snapshot that is never disposed is collected with its buffers
/// like any object; the pool only ever holds buffers given back explicitly, so a finalizer never returns a
/// buffer a span may still point into. See <see cref="MaxPooledBytes"/> for the pool's bound.
/// </para>
/// </remarks>
public sealed partial class BpfMapSnapshot : IDisposable
{
    private readonly ByteKeySet _index = new();
    private byte[] _keys = [];
    private byte[] _values = [];
    private int _capacity;
    private bool _disposed;
    private bool _indexed;
    private byte[]? _cursorKey;
    private byte[]? _scratch;
    private uint[]? _sentinels;

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

    /// <summary>
    /// The most bytes of disposed snapshots' buffers the process keeps for new snapshots (256 MiB unless set);
    /// 0 keeps none. Lowering it releases the oldest kept buffers at once.
    /// </summary>
    /// <remarks>
    /// Thread-safe. At most 32 buffers are kept (a snapshot's keys, its values, and the index a get_next_key read or
    /// <see cref="IndexOf"/> builds), oldest released first; buffers under 4 KiB are left to the GC; and a kept buffer
    /// is reused only for a snapshot that needs at least seven eighths of it, so a small snapshot never holds on to a
    /// large buffer. Besides these, and outside this bound, the process keeps one 64 KiB scratch buffer that a hash's
    /// first read takes its first chunk into before it sizes the snapshot.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static long MaxPooledBytes
    {
        get => SnapshotBufferPool.Limit;
        set => SnapshotBufferPool.Limit = value;
    }

    /// <summary>All keys, back to back.</summary>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public ReadOnlySpan<byte> Keys => Live(_keys).AsSpan(0, Count * KeySize);

    /// <summary>All values, back to back, in key order.</summary>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public ReadOnlySpan<byte> Values => Live(_values).AsSpan(0, Count * ValueSize);

    /// <summary>The key of entry <paramref name="index"/>.</summary>
    /// <param name="index">The entry.</param>
    /// <returns>The key bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not an entry.</exception>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public ReadOnlySpan<byte> KeyAt(int index) => Live(_keys).AsSpan(CheckIndex(index) * KeySize, KeySize);

    /// <summary>The value of entry <paramref name="index"/>.</summary>
    /// <param name="index">The entry.</param>
    /// <returns>The value bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not an entry.</exception>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public ReadOnlySpan<byte> ValueAt(int index) => Live(_values).AsSpan(CheckIndex(index) * ValueSize, ValueSize);

    /// <summary>Finds a key; builds a hash index on first use after a read.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The entry, or -1.</returns>
    /// <exception cref="ArgumentException">The key is not <see cref="KeySize"/> bytes.</exception>
    /// <exception cref="ObjectDisposedException">The snapshot is disposed.</exception>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
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
    /// <exception cref="ArgumentException">The snapshots hold different key or value sizes.</exception>
    /// <exception cref="ObjectDisposedException">Either snapshot is disposed.</exception>
    public void CopyFrom(BpfMapSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ThrowIfDisposed();
        other.ThrowIfDisposed();
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

    /// <summary>Empties the snapshot and gives its buffers to the pool for the next new snapshot; see the remarks on <see cref="BpfMapSnapshot"/>.</summary>
    /// <remarks>Idempotent. Not thread-safe with other uses of the snapshot.</remarks>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Count = 0;
        _indexed = false;
        byte[] keys = _keys;
        byte[] values = _values;
        _keys = [];
        _values = [];
        _capacity = 0;
        SnapshotBufferPool.Return(keys);
        SnapshotBufferPool.Return(values);
        _index.Release();
    }

    /// <summary>Throws when the snapshot is disposed.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

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
        if (Capacity < capacity)
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

    // The old buffers go to the pool: nothing inside the library holds them across a read, and a caller's span is
    // documented to end with the read.
    private void Grow(int capacity, int keep)
    {
        ThrowIfDisposed();
        byte[] keys = SnapshotBufferPool.Rent<byte>(capacity * KeySize);
        byte[] values = SnapshotBufferPool.Rent<byte>(capacity * ValueSize);
        keep = Math.Min(keep, Capacity);
        _keys.AsSpan(0, keep * KeySize).CopyTo(keys);
        _values.AsSpan(0, keep * ValueSize).CopyTo(values);
        byte[] oldKeys = _keys;
        byte[] oldValues = _values;
        _keys = keys;
        _values = values;
        _capacity = ValueSize == 0 ? keys.Length / KeySize : Math.Min(keys.Length / KeySize, values.Length / ValueSize);
        SnapshotBufferPool.Return(oldKeys);
        SnapshotBufferPool.Return(oldValues);
    }

    internal int Capacity => _capacity;

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

    /// <summary>The first keys of a get_next_key read, which a restarted walk meets again (see <see cref="BpfMap.KeyWalk"/>); made on the first such read.</summary>
    internal uint[] WalkSentinels => _sentinels ??= new uint[BpfMap.KeyWalk.SentinelCount];

    /// <summary>The batch cursor reused by batch reads.</summary>
    internal BpfMapBatchCursor Cursor { get; } = new();

    /// <summary>The walk's cursor key buffer.</summary>
    internal byte[] CursorKey => _cursorKey ??= new byte[KeySize];

    /// <summary>A scratch value buffer of at least <paramref name="size"/> bytes.</summary>
    internal byte[] ScratchValue(int size) => _scratch is { } s && s.Length >= size ? s : _scratch = new byte[Math.Max(size, 1)];

    private byte[] Live(byte[] buffer)
    {
        ThrowIfDisposed();
        return buffer;
    }

    private int CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return index;
    }
}
