namespace BpfChannels;

/// <summary>One write sent to a map through a <see cref="MapChannel{TKey, TValue}"/>; build it with <see cref="MapWrite"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Kind">Update or delete.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value to write (ignored by <see cref="MapWriteKind.Delete"/>).</param>
/// <param name="Flags">The update flags (always <see cref="BpfMapUpdateFlags.Any"/> for a delete).</param>
/// <remarks>An immutable value; safe to share between threads.</remarks>
public readonly record struct MapWrite<TKey, TValue>(MapWriteKind Kind, TKey Key, TValue Value, BpfMapUpdateFlags Flags)
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Whether this write can go to the kernel in a BPF_MAP_UPDATE_BATCH, which accepts only elem_flags 0 or BPF_F_LOCK.</summary>
    internal bool IsBatchable => Kind == MapWriteKind.Update && (Flags & (BpfMapUpdateFlags.NoExist | BpfMapUpdateFlags.Exist)) == 0;

    internal void Validate()
    {
        switch (Kind)
        {
            case MapWriteKind.Update:
                BpfMap.CheckUpdateFlags(Flags);
                break;
            case MapWriteKind.Delete when Flags == BpfMapUpdateFlags.Any:
                break;
            case MapWriteKind.Delete:
                throw new ArgumentException($"A delete takes no update flags (got {Flags}).", "write");
            default:
                throw new ArgumentException($"Unknown write kind {Kind}.", "write");
        }
    }
}
