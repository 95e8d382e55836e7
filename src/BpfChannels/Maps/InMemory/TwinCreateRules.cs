using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// The creation flags each map type accepts (the kernel's *_CREATE_FLAG_MASK and map_alloc_check rules), so a twin
/// is refused exactly where BPF_MAP_CREATE would be.
/// </summary>
internal static class TwinCreateRules
{
    private const BpfMapFlags Access = BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly | BpfMapFlags.ReadOnlyProgram | BpfMapFlags.WriteOnlyProgram;
    private const BpfMapFlags HashFlags = BpfMapFlags.NoPrealloc | BpfMapFlags.NoCommonLru | BpfMapFlags.NumaNode | Access | BpfMapFlags.ZeroSeed;
    private const BpfMapFlags ArrayFlags = BpfMapFlags.NumaNode | Access | BpfMapFlags.Mmapable | BpfMapFlags.InnerMap;

    /// <summary>0, or the errno BPF_MAP_CREATE gives for the spec's flags.</summary>
    internal static int Check(BpfMapSpec spec)
    {
        BpfMapFlags flags = spec.Flags;

        // bpf_get_file_flag and bpf_map_flags_access_ok: read-only and write-only exclude each other, for user space and for programs.
        if ((flags & (BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly)) == (BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly)
            || (flags & (BpfMapFlags.ReadOnlyProgram | BpfMapFlags.WriteOnlyProgram)) == (BpfMapFlags.ReadOnlyProgram | BpfMapFlags.WriteOnlyProgram))
        {
            return EINVAL;
        }

        bool lru = spec.Type is BpfMapType.LruHash or BpfMapType.LruPerCpuHash;
        BpfMapFlags allowed = spec.Type switch
        {
            BpfMapType.Hash or BpfMapType.LruHash or BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash or BpfMapType.HashOfMaps => HashFlags,
            BpfMapType.Array => ArrayFlags,
            BpfMapType.PerCpuArray => BpfMapFlags.NumaNode | Access,
            BpfMapType.ArrayOfMaps => BpfMapFlags.NumaNode | BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly, // fd arrays: no program access flags
            BpfMapType.LpmTrie => BpfMapFlags.NoPrealloc | BpfMapFlags.NumaNode | Access,
            BpfMapType.Queue or BpfMapType.Stack => BpfMapFlags.NumaNode | Access,
            _ => BpfMapFlags.NumaNode, // ring buffers
        };

        if ((flags & ~allowed) != 0 || (!lru && (flags & BpfMapFlags.NoCommonLru) != 0))
        {
            return EINVAL;
        }

        // htab_map_alloc_check: LRU maps are always preallocated; per-CPU maps take no NUMA node.
        if (lru && (flags & BpfMapFlags.NoPrealloc) != 0)
        {
            return ENOTSUPP;
        }

        return spec.IsPerCpu && (flags & BpfMapFlags.NumaNode) != 0 ? EINVAL : 0;
    }
}
