using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libc
    {
        private const int O_RDONLY = 0;
        private const int O_DIRECTORY = 0x10000;
        private const int O_CLOEXEC = 0x80000;

        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true)]
        private static partial int Open(byte* path, int flags);

        /// <summary>open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC): 0 and the directory descriptor a cgroup attachment targets, or the errno.</summary>
        internal static int OpenDirectory(byte* path, out int fd)
        {
            fd = Open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            return fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }

    internal static unsafe partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_cgroup", SetLastError = true)]
        internal static partial nint bpf_program__attach_cgroup(nint prog, int cgroup_fd);
    }
}
