namespace BpfChannels.Tests.Differential;

/// <summary>What one step of a differential sequence does.</summary>
public enum MapOpKind
{
    Update,
    Delete,
    Lookup,
    LookupAndDelete,
    NextKey,
    Walk,
    LookupBatch,
    LookupAndDeleteBatch,
    ResetCursor,
    UpdateBatch,
    DeleteBatch,
    Freeze,
}

/// <summary>
/// One operation, applied the same way to the kernel map and the twin. Keys are bytes; values are derived from
/// <see cref="ValueSeed"/> (for maps of maps, <see cref="ValueSeed"/> picks an inner map).
/// </summary>
public sealed record MapOp(MapOpKind Kind, byte[] Key, long ValueSeed, BpfMapUpdateFlags Flags, bool LockFlag, int Count, byte[][] Keys)
{
    public override string ToString() => Kind switch
    {
        MapOpKind.Update => $"Update({Hex(Key)}, value#{ValueSeed}, {Flags})",
        MapOpKind.Delete => $"Delete({Hex(Key)})",
        MapOpKind.Lookup => $"Lookup({Hex(Key)}{(LockFlag ? ", Lock" : string.Empty)})",
        MapOpKind.LookupAndDelete => $"LookupAndDelete({Hex(Key)}{(LockFlag ? ", Lock" : string.Empty)})",
        MapOpKind.NextKey => $"NextKey({(Count == 0 ? "first" : Hex(Key))})",
        MapOpKind.Walk => $"Walk(delete every {Count})",
        MapOpKind.LookupBatch or MapOpKind.LookupAndDeleteBatch => $"{Kind}({Count} entries{(LockFlag ? ", Lock" : string.Empty)})",
        MapOpKind.UpdateBatch => $"UpdateBatch([{string.Join(", ", Keys.Select(Hex))}], value#{ValueSeed}, {Flags})",
        MapOpKind.DeleteBatch => $"DeleteBatch([{string.Join(", ", Keys.Select(Hex))}])",
        _ => Kind.ToString(),
    };

    internal static string Hex(byte[] bytes) => bytes.Length == 0 ? "-" : Convert.ToHexString(bytes);
}
