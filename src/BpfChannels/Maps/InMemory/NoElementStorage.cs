using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>Ring buffers and user ring buffers: created for their readers and writers, with no element operations (every one is ENOTSUPP).</summary>
internal sealed class NoElementStorage : ITwinStorage
{
    public TwinBatchSupport BatchSupport => TwinBatchSupport.None;

    public int Lookup(ReadOnlySpan<byte> key, Span<byte> value, ulong flags) => ENOTSUPP;

    public int Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags) => ENOTSUPP;

    public int Delete(ReadOnlySpan<byte> key) => ENOTSUPP;

    public int LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value, ulong flags) => ENOTSUPP;

    public int GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => ENOTSUPP;

    public int LookupBatch(bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags) => ENOTSUPP;
}
