using System.Buffers.Binary;
using System.Text;

namespace BpfChannels.Tests.Differential;

/// <summary>
/// One side of a differential run: a map (kernel or twin) with its batch cursor and, for maps of maps, its inner
/// maps. <see cref="Apply"/> runs an operation through the public API and describes everything it observed
/// (result, errno, out-parameters, batch counts, cursor state) in a string; the two sides' strings must be equal.
/// </summary>
public sealed class MapUnderTest : IDisposable
{
    private readonly List<BpfMap> _inner;
    private readonly BpfMapBatchCursor _cursor = new();

    public MapUnderTest(BpfMap map, List<BpfMap>? inner = null)
    {
        Map = map;
        _inner = inner ?? [];
    }

    public BpfMap Map { get; }

    private bool IsMapOfMaps => Map.Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps;

    public string Apply(MapOp op)
    {
        try
        {
            return Execute(op);
        }
        catch (BpfBatchException e)
        {
            return $"batch {e.ErrorName} after {e.Completed}{CursorState()}";
        }
        catch (BpfException e)
        {
            return $"{e.ErrorName}{CursorState()}";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return e.GetType().Name;
        }
    }

    /// <summary>Every key and value in get_next_key order (empty for maps without keys).</summary>
    public string Dump()
    {
        if (Map.KeySize == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        byte[] key = new byte[Map.KeySize];
        byte[] value = new byte[Map.ValueBufferSize];
        bool first = true;
        try
        {
            for (int steps = 0; steps < (Map.MaxEntries * 2) + 8 && Map.TryGetNextKey(first ? default : key, key); steps++)
            {
                first = false;
                text.Append(MapOp.Hex(key)).Append('=').Append(Map.TryLookup(key, value) ? Value(value) : "gone").Append(' ');
            }
        }
        catch (BpfException e)
        {
            text.Append(e.ErrorName); // a write-only map cannot be read back
        }

        return text.ToString();
    }

    public void Dispose()
    {
        Map.Dispose();
        foreach (BpfMap inner in _inner)
        {
            inner.Dispose();
        }
    }

    private string Execute(MapOp op)
    {
        byte[] value = new byte[Map.ValueBufferSize];
        BpfMapLookupFlags lookupFlags = op.LockFlag ? BpfMapLookupFlags.Lock : BpfMapLookupFlags.None;
        switch (op.Kind)
        {
            case MapOpKind.Update:
                if (IsMapOfMaps)
                {
                    new BpfMapOfMaps<uint>(Map).SetInner(BinaryPrimitives.ReadUInt32LittleEndian(op.Key), Inner(op.ValueSeed), op.Flags);
                    return "ok";
                }

                Map.Update(op.Key, ValueBytes(op.ValueSeed), op.Flags);
                return "ok";
            case MapOpKind.Delete:
                return Map.TryDelete(op.Key) ? "deleted" : "missing";
            case MapOpKind.Lookup:
                return Map.TryLookup(op.Key, value, lookupFlags) ? $"found {Value(value)}" : "missing";
            case MapOpKind.LookupAndDelete:
                return Map.TryLookupAndDelete(op.Key, value, lookupFlags) ? $"took {Value(value)}" : "missing";
            case MapOpKind.NextKey:
                byte[] next = new byte[Map.KeySize];
                return Map.TryGetNextKey(op.Count == 0 ? default : op.Key, next) ? $"next {MapOp.Hex(next)}" : "end";
            case MapOpKind.Walk:
                return Walk(op.Count);
            case MapOpKind.LookupBatch:
            case MapOpKind.LookupAndDeleteBatch:
                byte[] keys = new byte[op.Count * Map.KeySize];
                byte[] values = new byte[op.Count * Map.ValueBufferSize];
                int n = op.Kind == MapOpKind.LookupBatch
                    ? Map.LookupBatch(_cursor, keys, values, lookupFlags)
                    : Map.LookupAndDeleteBatch(_cursor, keys, values, lookupFlags);
                var read = new StringBuilder($"n={n}");
                for (int i = 0; i < n; i++)
                {
                    read.Append(' ').Append(MapOp.Hex(keys.AsSpan(i * Map.KeySize, Map.KeySize).ToArray()))
                        .Append('=').Append(Value(values.AsSpan(i * Map.ValueBufferSize, Map.ValueBufferSize)));
                }

                return read.Append(CursorState()).ToString();
            case MapOpKind.ResetCursor:
                _cursor.Reset();
                return "reset";
            case MapOpKind.UpdateBatch:
                byte[] batchKeys = op.Keys.SelectMany(k => k).ToArray();
                byte[] batchValues = op.Keys.Select((_, i) => IsMapOfMaps ? InnerValue(op.ValueSeed + i) : ValueBytes(op.ValueSeed + i)).SelectMany(v => v).ToArray();
                return $"updated {Map.UpdateBatch(batchKeys, batchValues, op.Flags)}";
            case MapOpKind.DeleteBatch:
                return $"deleted {Map.DeleteBatch(op.Keys.SelectMany(k => k).ToArray())}";
            case MapOpKind.Freeze:
                Map.Freeze();
                return "frozen";
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    private string Walk(int deleteEvery)
    {
        var text = new StringBuilder("walk");
        byte[] key = new byte[Map.KeySize];
        bool first = true;
        for (int step = 1; step <= (Map.MaxEntries * 4) + 16; step++)
        {
            if (!Map.TryGetNextKey(first ? default : key, key))
            {
                return text.Append(" end").ToString();
            }

            first = false;
            text.Append(' ').Append(MapOp.Hex(key));
            if (deleteEvery > 0 && step % deleteEvery == 0)
            {
                try
                {
                    text.Append(Map.TryDelete(key) ? "-deleted" : "-missing");
                }
                catch (BpfException e)
                {
                    text.Append('-').Append(e.ErrorName);
                }
            }
        }

        return text.Append(" (step limit)").ToString();
    }

    private string CursorState()
    {
        string state = _cursor.IsComplete ? "complete" : _cursor.Started ? "started" : "fresh";
        return $" cursor {state} {MapOp.Hex(_cursor.Token(Map.KeySize).ToArray())}";
    }

    private byte[] ValueBytes(long seed)
    {
        byte[] bytes = new byte[Map.ValueBufferSize];
        new Random((int)seed).NextBytes(bytes);
        return bytes;
    }

    private BpfMap Inner(long seed) => _inner[(int)(seed % _inner.Count)];

    private byte[] InnerValue(long seed)
    {
        BpfMap inner = Inner(seed);
        uint raw = inner.IsInMemory ? inner.Id : (uint)inner.Handle.FileDescriptor;
        return BitConverter.GetBytes(raw);
    }

    /// <summary>A value as text; for maps of maps the inner map's position instead of its (backend-specific) id.</summary>
    private string Value(ReadOnlySpan<byte> value)
    {
        if (!IsMapOfMaps)
        {
            return Convert.ToHexString(value);
        }

        uint id = BinaryPrimitives.ReadUInt32LittleEndian(value);
        int index = _inner.FindIndex(m => m.Id == id);
        return index < 0 ? $"unknown-id" : $"inner{index}";
    }
}
