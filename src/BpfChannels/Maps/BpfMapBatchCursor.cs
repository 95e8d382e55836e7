namespace BpfChannels;

/// <summary>
/// The position of a batch walk (in_batch/out_batch of BPF_MAP_LOOKUP_BATCH). Start with a new cursor;
/// the walk is over when <see cref="IsComplete"/> is <see langword="true"/>.
/// </summary>
/// <remarks>Not thread-safe: one walk at a time per cursor.</remarks>
public sealed class BpfMapBatchCursor
{
    private byte[] _token = new byte[8];

    /// <summary>Whether the walk has returned every element.</summary>
    public bool IsComplete { get; internal set; }

    internal bool Started { get; set; }

    /// <summary>Starts the walk again from the first element.</summary>
    public void Reset()
    {
        Started = false;
        IsComplete = false;
    }

    internal Span<byte> Token(int keySize)
    {
        int size = Math.Max(keySize, 8);
        if (_token.Length < size)
        {
            _token = new byte[size];
        }

        return _token.AsSpan(0, size);
    }
}
