using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const long BPF_FS_MAGIC = 0xcafe4a11;

        /// <summary>struct statfs on x86_64 and aarch64 (120 bytes); only f_type is read.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 120)]
        internal struct statfs_buf
        {
            public long f_type;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static unsafe partial int StatfsNative(string path, statfs_buf* buf);

        /// <summary>statfs(2): 0 and the file system magic of <paramref name="path"/>, or the errno.</summary>
        internal static unsafe int GetFileSystemType(string path, out long type)
        {
            statfs_buf buf = default;
            int errno = StatfsNative(path, &buf) == 0 ? 0 : Marshal.GetLastPInvokeError();
            type = buf.f_type;
            return errno;
        }
    }
}
