namespace BpfChannels;

public sealed partial class BpfProgram
{
    /// <summary>
    /// Attaches a BPF iterator program (SEC("iter/task"), SEC("iter/bpf_map_elem")…) with its parameters
    /// (BPF_LINK_CREATE with BPF_TRACE_ITER). Each read of the returned iterator runs the program afresh (BPF_ITER_CREATE).
    /// </summary>
    /// <remarks>Requires Linux 5.8 or later (map parameters 5.9, task and cgroup parameters 6.1), and a kernel that loads tracing programs. Thread-safe.</remarks>
    /// <param name="options">The map, cgroup or task to iterate; <see langword="null"/> for an iterator without parameters (iter/task walks every task).</param>
    /// <returns>The iterator; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">The options set more than one kind of parameter.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">EINVAL (not an iterator program, or parameters it does not take), ENOENT (no such cgroup) or another error.</exception>
    public BpfIterator AttachIterator(BpfIteratorOptions? options = null)
    {
        options?.Validate();
        _ = Handle;
        var info = default(Interop.Bpf.bpf_iter_link_info);
        string target = $"iterator {SectionName}";
        BpfHandle? cgroup = null;
        HandleLease map = default;
        try
        {
            if (options?.Map is { } m)
            {
                map = new HandleLease(m.Handle);
                info.map_fd = (uint)map.FileDescriptor;
                target += $" map {m.Name}";
            }
            else if (options?.CgroupPath is { } path)
            {
                cgroup = OpenCgroupDirectory(path);
                info.cgroup_order = (uint)options.CgroupOrder;
                info.cgroup_fd = (uint)cgroup.FileDescriptor;
                target += $" cgroup {path}";
            }
            else if (options?.ThreadId is { } tid)
            {
                info.task_tid = (uint)tid;
                target += $" tid {tid}";
            }
            else if (options?.ProcessId is { } pid)
            {
                info.task_pid = (uint)pid;
                target += $" pid {pid}";
            }

            bool withInfo = options is { Map: not null } or { CgroupPath: not null } or { ThreadId: not null } or { ProcessId: not null };
            int errno = Interop.Bpf.LinkCreateIterator(Handle, info, withInfo, out BpfHandle? link);
            return errno == 0 ? new BpfIterator(link!, $"{target} <- {Name}") : throw AttachError(errno, BpfCommand.LinkCreate, target);
        }
        finally
        {
            map.Dispose();
            cgroup?.Dispose();
        }
    }
}
