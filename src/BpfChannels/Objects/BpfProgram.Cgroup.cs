using System.Text;
using static BpfChannels.Interop.Bpf;
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
    /// <exception cref="InvalidOperationException">The program is not loaded, or is a legacy program whose section names no cgroup hook.</exception>
    /// <exception cref="BpfException">ENOENT/ENOTDIR (no such cgroup directory), EBADF (not a cgroup v2 directory), EINVAL (not a cgroup program) or another error.</exception>
    public BpfLink AttachCgroup(string cgroupPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(cgroupPath);
        _ = Handle;
        uint? legacyAttachType = _program == 0 ? LegacyCgroupAttachType(SectionName) : null;
        if (_program == 0 && legacyAttachType is null)
        {
            throw new InvalidOperationException($"Legacy program '{Name}' is in section '{SectionName}', which names no cgroup hook (cgroup_skb/ingress, cgroup_skb/egress, cgroup/skb, cgroup/sock, sockops, cgroup/dev, cgroup/bind4, cgroup/connect4, cgroup/sysctl).");
        }

        // The link holds its own reference to the cgroup; the directory descriptor is needed only to create it.
        using BpfHandle cgroup = OpenCgroupDirectory(cgroupPath);
        string description = $"cgroup {cgroupPath} ({SectionName}) <- {Name}";
        if (legacyAttachType is { } attachType)
        {
            int errno = Interop.Bpf.LinkCreate(Handle, cgroup, attachType, out BpfHandle? handle);
            return errno == 0 ? new BpfLink(handle!, description) : throw AttachError(errno, BpfCommand.LinkCreate, cgroupPath);
        }

        nint link = bpf_program__attach_cgroup(_program, cgroup.FileDescriptor);
        return link != 0 ? new BpfLink(link, description) : throw AttachError(BpfCommand.ProgramAttachCgroup, cgroupPath);
    }

    /// <summary>Opens a cgroup directory for an attachment, reporting a missing one as this program's attach error.</summary>
    private BpfHandle OpenCgroupDirectory(string cgroupPath)
    {
        byte[] path = Encoding.UTF8.GetBytes(cgroupPath + "\0");
        int fd;
        int errno;
        fixed (byte* p = path)
        {
            errno = Interop.Libc.OpenDirectory(p, out fd);
        }

        return errno == 0 ? new BpfHandle(fd) : throw AttachError(errno, BpfCommand.Open, cgroupPath);
    }

    /// <summary>The attach type a legacy section names (libbpf reads it from the section at open; legacy objects have no libbpf).</summary>
    private static uint? LegacyCgroupAttachType(string section) => section switch
    {
        "cgroup_skb/ingress" or "cgroup/skb" => BPF_CGROUP_INET_INGRESS,
        "cgroup_skb/egress" => BPF_CGROUP_INET_EGRESS,
        "cgroup/sock" or "cgroup/sock_create" => BPF_CGROUP_INET_SOCK_CREATE,
        "sockops" => BPF_CGROUP_SOCK_OPS,
        "cgroup/dev" => BPF_CGROUP_DEVICE,
        "cgroup/bind4" => BPF_CGROUP_INET4_BIND,
        "cgroup/connect4" => BPF_CGROUP_INET4_CONNECT,
        "cgroup/sysctl" => BPF_CGROUP_SYSCTL,
        _ => null,
    };
}
