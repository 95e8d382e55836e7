using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfProgram
{
    /// <summary>
    /// Attaches a cgroup program (SEC("cgroup_skb/ingress"), SEC("cgroup_skb/egress"), SEC("cgroup/sock_create")…) to
    /// the cgroup v2 directory <paramref name="cgroupPath"/> as a BPF link; the section decides the hook.
    /// </summary>
    /// <remarks>Requires Linux 5.7 or later.</remarks>
    /// <param name="cgroupPath">A directory of a cgroup v2 hierarchy, for example <c>/sys/fs/cgroup/my.slice</c>.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded, or came from a legacy object.</exception>
    /// <exception cref="BpfException">ENOENT/ENOTDIR (no such cgroup directory), EBADF (not a cgroup v2 directory), EINVAL (not a cgroup program) or another error.</exception>
    public BpfLink AttachCgroup(string cgroupPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(cgroupPath);
        RequireLibbpf("AttachCgroup");
        byte[] path = Encoding.UTF8.GetBytes(cgroupPath + "\0");
        int fd;
        int errno;
        fixed (byte* p = path)
        {
            errno = Interop.Libc.OpenDirectory(p, out fd);
        }

        if (errno != 0)
        {
            throw AttachError(errno, BpfCommand.Open, cgroupPath);
        }

        // The link holds its own reference to the cgroup; the directory descriptor is needed only to create it.
        using var cgroup = new BpfHandle(fd);
        nint link = bpf_program__attach_cgroup(_program, cgroup.FileDescriptor);
        return link != 0 ? new BpfLink(link, $"cgroup {cgroupPath} ({SectionName}) <- {Name}") : throw AttachError(BpfCommand.ProgramAttachCgroup, cgroupPath);
    }
}
