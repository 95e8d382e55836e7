namespace BpfChannels;

/// <summary>
/// The elements of one in-memory twin, stored the way one family of kernel map types stores them. Each
/// member is the map type's own operation (its <c>bpf_map_ops</c> entry) and returns 0 or a positive errno.
/// </summary>
/// <remarks>
/// <see cref="InMemoryBpfMap"/> checks what the syscall layer checks for every type (disposal, frozen,
/// flag bits, BPF_F_LOCK without a spin lock) before it calls in, and holds its lock around every call:
/// implementations are not thread-safe on their own.
/// </remarks>
internal interface ITwinStorage
{
    /// <summary>The batch commands the map type implements; the others fail with ENOTSUPP.</summary>
    TwinBatchSupport BatchSupport { get; }

    /// <summary>Copies the value at <paramref name="key"/> (for queues and stacks: peeks).</summary>
    int Lookup(ReadOnlySpan<byte> key, Span<byte> value, ulong flags);

    /// <summary>Writes the value at <paramref name="key"/> (for queues and stacks: pushes).</summary>
    int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags);

    /// <summary>Deletes <paramref name="key"/>.</summary>
    int Delete(ReadOnlySpan<byte> key);

    /// <summary>Copies and deletes (for queues and stacks: pops); ENOTSUPP where the syscall refuses the type.</summary>
    int LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, ulong flags);

    /// <summary>The key after <paramref name="key"/> in the kernel's iteration order (the first for an empty or unknown key).</summary>
    int GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey);

    /// <summary>
    /// BPF_MAP_LOOKUP_(AND_DELETE_)BATCH for types with their own batch walk; types that use the kernel's generic
    /// walk return <see cref="TwinBatch.UseGeneric"/>.
    /// </summary>
    int LookupBatch(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags);
}

/// <summary>The batch commands a map type implements (its map_*_batch ops that are not NULL).</summary>
[Flags]
internal enum TwinBatchSupport
{
    None = 0,
    Lookup = 1,
    LookupAndDelete = 2,
    Update = 4,
    Delete = 8,
    All = Lookup | LookupAndDelete | Update | Delete,
}
