using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Libc
    {
        private const int F_DUPFD_CLOEXEC = 1030;

        [LibraryImport(Libraries.Libc, EntryPoint = "fcntl", SetLastError = true)]
        private static partial int Fcntl(int fd, int cmd, int arg);

        /// <summary>fcntl(fd, F_DUPFD_CLOEXEC, 3): a close-on-exec copy of <paramref name="fd"/>, or -errno.</summary>
        internal static int DupCloexec(int fd)
        {
            int result = Fcntl(fd, F_DUPFD_CLOEXEC, 3);
            return result < 0 ? -Marshal.GetLastPInvokeError() : result;
        }
    }
}
