using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Libc
    {
        private const int F_DUPFD_CLOEXEC = 1030;

        [LibraryImport(Libraries.Libc, EntryPoint = "fcntl", SetLastError = true)]
        private static partial int Fcntl(int fd, int cmd, int arg);

        /// <summary>fcntl(fd, F_DUPFD_CLOEXEC, 3): 0 and a close-on-exec copy of <paramref name="fd"/>, or the errno.</summary>
        internal static int DupCloexec(int fd, out int copy)
        {
            copy = Fcntl(fd, F_DUPFD_CLOEXEC, 3);
            return copy < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }
}
