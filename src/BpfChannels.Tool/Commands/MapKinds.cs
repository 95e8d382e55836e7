namespace BpfChannels.Tool;

/// <summary>What each map type allows from user space: a bulk read, a key walk, or neither.</summary>
internal static class MapKinds
{
    /// <summary>Types whose entries are read in bulk (batch lookup or mmap; get_next_key where batches are missing).</summary>
    public static bool ReadsInBulk(BpfMapType type) => type is BpfMapType.Hash or BpfMapType.Array or BpfMapType.PerCpuHash
        or BpfMapType.PerCpuArray or BpfMapType.LruHash or BpfMapType.LruPerCpuHash or BpfMapType.LpmTrie;

    /// <summary>Types with no keys to walk: what to use instead, for a message that says so.</summary>
    public static string? WhyNotIterable(BpfMapInfo info)
    {
        string name = $"{BpfMapTypeNames.GetName(info.Type) ?? info.Type.ToString()} map '{info.Name}'";
        return info.Type switch
        {
            BpfMapType.Queue or BpfMapType.Stack => $"{name} has no keys to walk: read it with 'bpfchan peek' or 'pop', write it with 'push'.",
            BpfMapType.RingBuffer => $"{name} carries records, not entries: tail them with 'bpfchan events'.",
            BpfMapType.UserRingBuffer => $"{name} is written by user space and drained by a program; it has no entries to read.",
            BpfMapType.BloomFilter => $"{name} can only answer whether a value may be present; it cannot be listed.",
            BpfMapType.StructOps => $"{name} holds a kernel struct_ops implementation; bpfchan cannot list it (bpftool struct_ops dump can).",
            BpfMapType.SkStorage or BpfMapType.InodeStorage or BpfMapType.TaskStorage or BpfMapType.CgroupStorageLocal
                => $"{name} is local storage keyed by a socket, inode, task or cgroup descriptor; the kernel does not let user space walk it.",
            BpfMapType.Arena => $"{name} is shared memory, not entries; mmap it.",
            _ => null,
        };
    }
}
