namespace BpfChannels;

/// <summary>
/// The kernel's names for map types and creation flags, as libbpf and bpftool print them
/// (<c>percpu_array</c>, <c>BPF_F_NO_PREALLOC</c>), and back.
/// </summary>
/// <remarks>Thread-safe: the tables are immutable.</remarks>
public static class BpfMapTypeNames
{
    // Index = enum bpf_map_type value; the names libbpf's libbpf_bpf_map_type_str() gives.
    private static readonly string[] TypeNames =
    [
        "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array", "stack_trace",
        "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps", "hash_of_maps", "devmap", "sockmap",
        "cpumap", "xskmap", "sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack",
        "sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
        "cgrp_storage", "arena",
    ];

    // Index = bit number of map_flags (linux/bpf.h).
    private static readonly string[] FlagNames =
    [
        "BPF_F_NO_PREALLOC", "BPF_F_NO_COMMON_LRU", "BPF_F_NUMA_NODE", "BPF_F_RDONLY", "BPF_F_WRONLY", "BPF_F_STACK_BUILD_ID",
        "BPF_F_ZERO_SEED", "BPF_F_RDONLY_PROG", "BPF_F_WRONLY_PROG", "BPF_F_CLONE", "BPF_F_MMAPABLE", "BPF_F_PRESERVE_ELEMS",
        "BPF_F_INNER_MAP", "BPF_F_LINK", "BPF_F_PATH_FD", "BPF_F_VTYPE_BTF_OBJ_FD", "BPF_F_TOKEN_FD", "BPF_F_SEGV_ON_FAULT",
        "BPF_F_NO_USER_CONV",
    ];

    /// <summary>The kernel's name of a map type (<c>percpu_array</c> for <see cref="BpfMapType.PerCpuArray"/>).</summary>
    /// <param name="type">The map type.</param>
    /// <returns>The name, or <see langword="null"/> for a type this library does not know (a newer kernel's).</returns>
    public static string? GetName(BpfMapType type) => (uint)type < (uint)TypeNames.Length ? TypeNames[(int)type] : null;

    /// <summary>The map type with the kernel name <paramref name="name"/> (exact match, as bpftool requires).</summary>
    /// <param name="name">A name such as <c>lru_hash</c>.</param>
    /// <param name="type">The type, when found.</param>
    /// <returns>Whether <paramref name="name"/> names a map type.</returns>
    public static bool TryParse(string? name, out BpfMapType type)
    {
        int index = Array.IndexOf(TypeNames, name);
        type = index > 0 ? (BpfMapType)index : BpfMapType.Unspecified;
        return index > 0;
    }

    /// <summary>Every known map type name, in enum order, without <c>unspec</c>.</summary>
    public static IReadOnlyList<string> All { get; } = TypeNames[1..];

    /// <summary>The kernel names of the bits set in <paramref name="flags"/> (<c>BPF_F_NO_PREALLOC</c>...).</summary>
    /// <param name="flags">Creation flags.</param>
    /// <returns>One name per set bit, lowest bit first; a bit with no known name as <c>0x...</c>.</returns>
    public static IReadOnlyList<string> GetFlagNames(BpfMapFlags flags)
    {
        var names = new List<string>();
        uint bits = (uint)flags;
        for (int bit = 0; bits != 0; bit++, bits >>= 1)
        {
            if ((bits & 1) != 0)
            {
                names.Add(bit < FlagNames.Length ? FlagNames[bit] : "0x" + (1u << bit).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return names;
    }
}
