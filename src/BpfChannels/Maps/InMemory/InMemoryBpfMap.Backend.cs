using System.Runtime.InteropServices;

namespace BpfChannels;

// The twin's side of the backend contract (BpfMap.Backend.cs) that is not element storage: ids, info, pins,
// inner maps and access state, as the kernel backend provides them from its descriptor.
internal sealed unsafe partial class InMemoryBpfMap
{
    internal override uint GetId()
    {
        ThrowIfDisposed();
        return TwinId;
    }

    internal override BpfMapInfo GetInfoCore() => new()
    {
        Id = GetId(),
        Type = Type,
        Name = Name,
        KeySize = KeySize,
        ValueSize = ValueSize,
        MaxEntries = MaxEntries,
        Flags = Flags,
        IsFrozen = IsFrozen,
        MapExtra = Spec.MapExtra,
    };

    internal override void PinCore(string path, UnixFileMode mode) =>
        throw new NotSupportedException($"Map '{DisplayName}' is an in-memory twin: it has no kernel object to pin at '{path}'.");

    // A twin map of maps stores its inner twins by id, as the kernel returns ids on lookup.
    internal override void UpdateInner(ReadOnlySpan<byte> key, BpfMap inner, BpfMapUpdateFlags flags)
    {
        uint id = inner.Id;
        Update(key, MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in id)), flags);
    }

    internal override BpfMap? OpenInner(uint id) => FromId(id);


    internal override MapAccessState GetAccessState() =>
        new(IsFrozen, (Flags & BpfMapFlags.ReadOnly) != 0, (Flags & BpfMapFlags.WriteOnly) != 0);
}
