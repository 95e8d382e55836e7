using System.Buffers.Binary;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// The values of twin maps of maps: a value written is the inner twin's id (the kernel takes a descriptor),
/// resolved and checked against the inner map template as bpf_map_fd_get_ptr and map_meta_equal do.
/// </summary>
internal static class TwinInnerMaps
{
    /// <summary>Resolves the id in <paramref name="value"/>: EBADF if no such twin, EINVAL if it does not match the template.</summary>
    internal static int Resolve(ReadOnlySpan<byte> value, BpfMapSpec outer, out InMemoryBpfMap? inner)
    {
        inner = TwinRegistry.Find(BinaryPrimitives.ReadUInt32LittleEndian(value));
        if (inner is null)
        {
            return EBADF;
        }

        BpfMapSpec template = outer.InnerMap!.Spec;
        BpfMapSpec candidate = inner.Spec;
        bool equal = template.Type == candidate.Type && template.KeySize == candidate.KeySize
            && template.ValueSize == candidate.ValueSize && template.Flags == candidate.Flags;

        // array_map_meta_equal: inner arrays must also match max_entries unless the template says BPF_F_INNER_MAP.
        if (equal && template.Type is (BpfMapType.Array or BpfMapType.PerCpuArray) && (template.Flags & BpfMapFlags.InnerMap) == 0)
        {
            equal = template.MaxEntries == candidate.MaxEntries;
        }

        if (!equal)
        {
            inner = null;
            return EINVAL;
        }

        return 0;
    }
}
