namespace BpfChannels;

/// <summary>The order a cgroup iterator walks the cgroup hierarchy in (<c>enum bpf_cgroup_iter_order</c>).</summary>
/// <remarks>Requires Linux 6.1 or later.</remarks>
public enum BpfCgroupIteratorOrder : uint
{
    /// <summary>Only the given cgroup.</summary>
    SelfOnly = 1,

    /// <summary>The cgroup and its descendants, parents before children.</summary>
    DescendantsPreOrder = 2,

    /// <summary>The cgroup and its descendants, children before parents.</summary>
    DescendantsPostOrder = 3,

    /// <summary>The cgroup and its ancestors up to the root.</summary>
    AncestorsUp = 4,
}
