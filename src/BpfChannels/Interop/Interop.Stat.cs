using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libc
    {
        internal const uint S_IFMT = 0xF000;
        internal const uint S_IFREG = 0x8000;
        internal const uint S_IFDIR = 0x4000;
        internal const uint S_IFLNK = 0xA000;
        internal const int R_OK = 4;
        internal const int W_OK = 2;
        internal const int X_OK = 1;

        private const int AT_FDCWD = -100;
        private const int AT_SYMLINK_NOFOLLOW = 0x100;
        private const int AT_EACCESS = 0x200;
        private const uint STATX_TYPE = 0x1;
        private const uint STATX_MODE = 0x2;
        private const uint STATX_UID = 0x8;
        private const uint STATX_GID = 0x10;

        /// <summary>struct statx (linux/stat.h, 256 bytes, the same on every architecture); only the fields read here are declared.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 256)]
        internal struct statx_buf
        {
            public uint stx_mask;
            public uint stx_blksize;
            public ulong stx_attributes;
            public uint stx_nlink;
            public uint stx_uid;
            public uint stx_gid;
            public ushort stx_mode;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int StatxNative(int dirfd, string path, int flags, uint mask, statx_buf* buffer);

        [LibraryImport(Libraries.Libc, EntryPoint = "faccessat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int FaccessatNative(int dirfd, string path, int mode, int flags);

        /// <summary>statx(2) of <paramref name="path"/> itself (a symbolic link is not followed): its type and mode bits, owner and group; 0 or the errno.</summary>
        internal static int Stat(string path, out uint mode, out uint uid, out uint gid)
        {
            statx_buf buffer = default;
            int errno = StatxNative(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID, &buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
            mode = buffer.stx_mode;
            uid = buffer.stx_uid;
            gid = buffer.stx_gid;
            return errno;
        }

        /// <summary>faccessat(2) with AT_EACCESS: whether this process's effective ids and capabilities allow <paramref name="mode"/> (R_OK, W_OK, X_OK); 0 or the errno.</summary>
        internal static int AccessEffective(string path, int mode) =>
            FaccessatNative(AT_FDCWD, path, mode, AT_EACCESS) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
