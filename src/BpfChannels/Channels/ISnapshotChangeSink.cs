namespace BpfChannels;

/// <summary>Receives the differences <see cref="SnapshotDiff.Compare"/> finds between two snapshots of a map.</summary>
/// <remarks>
/// Implement it as a struct: <see cref="SnapshotDiff.Compare"/> is generic over the sink so that each call is
/// inlined and nothing is boxed or allocated per change. The spans are valid only during the call.
/// </remarks>
public interface ISnapshotChangeSink
{
    /// <summary>One change found by the diff.</summary>
    /// <param name="kind">Added, Updated or Removed.</param>
    /// <param name="key">The entry's key bytes.</param>
    /// <param name="value">The current value bytes; empty for <see cref="MapChangeKind.Removed"/>.</param>
    /// <param name="previous">The previous value bytes; empty for <see cref="MapChangeKind.Added"/>.</param>
    void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous);
}
