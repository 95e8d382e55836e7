namespace BpfChannels;

/// <summary>
/// The parameters of a BPF iterator attachment (<see cref="BpfProgram.AttachIterator"/>): the map a map element
/// iterator walks, the cgroup a cgroup iterator starts from, or the one task or process a task iterator visits.
/// Set at most one of <see cref="Map"/>, <see cref="CgroupPath"/> and the task fields.
/// </summary>
public sealed class BpfIteratorOptions
{
    /// <summary>The map of an <c>iter/bpf_map_elem</c>, <c>iter/bpf_sk_storage_map</c> or <c>iter/sockmap</c> program; it must stay open while attaching.</summary>
    /// <remarks>Requires Linux 5.9 or later.</remarks>
    public BpfMap? Map { get; init; }

    /// <summary>The cgroup v2 directory an <c>iter/cgroup</c> program walks from.</summary>
    /// <remarks>Requires Linux 6.1 or later.</remarks>
    public string? CgroupPath { get; init; }

    /// <summary>How an <c>iter/cgroup</c> program walks from <see cref="CgroupPath"/> (default: only that cgroup).</summary>
    public BpfCgroupIteratorOrder CgroupOrder { get; init; } = BpfCgroupIteratorOrder.SelfOnly;

    /// <summary>Only this thread, for an <c>iter/task</c>, <c>iter/task_file</c> or <c>iter/task_vma</c> program.</summary>
    /// <remarks>Requires Linux 6.1 or later.</remarks>
    public int? ThreadId { get; init; }

    /// <summary>Only the threads of this process, for the task iterators.</summary>
    /// <remarks>Requires Linux 6.1 or later.</remarks>
    public int? ProcessId { get; init; }

    internal void Validate()
    {
        int set = (Map is null ? 0 : 1) + (CgroupPath is null ? 0 : 1) + (ThreadId is null && ProcessId is null ? 0 : 1);
        if (set > 1)
        {
            throw new ArgumentException("Set one of Map, CgroupPath, or ThreadId/ProcessId: an iterator has one kind of parameter.");
        }

        if (ThreadId is not null && ProcessId is not null)
        {
            throw new ArgumentException("Set ThreadId or ProcessId, not both.", nameof(ProcessId));
        }

        if (ThreadId <= 0 || ProcessId <= 0)
        {
            throw new ArgumentOutOfRangeException(ThreadId <= 0 ? nameof(ThreadId) : nameof(ProcessId), "A positive id.");
        }

        if (CgroupPath is { Length: 0 })
        {
            throw new ArgumentException("The cgroup path is empty.", nameof(CgroupPath));
        }

        if (!Enum.IsDefined(CgroupOrder))
        {
            throw new ArgumentOutOfRangeException(nameof(CgroupOrder), CgroupOrder, "An order of BpfCgroupIteratorOrder.");
        }
    }
}
