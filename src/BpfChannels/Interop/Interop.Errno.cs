namespace BpfChannels;

internal static partial class Interop
{
    /// <summary>errno values of Linux (asm-generic/errno-base.h, errno.h, include/linux/errno.h).</summary>
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int ESRCH = 3;
        internal const int EINTR = 4;
        internal const int EIO = 5;
        internal const int E2BIG = 7;
        internal const int EBADF = 9;
        internal const int EAGAIN = 11;
        internal const int ENOMEM = 12;
        internal const int EACCES = 13;
        internal const int EFAULT = 14;
        internal const int EBUSY = 16;
        internal const int EEXIST = 17;
        internal const int ENODEV = 19;
        internal const int ENOTDIR = 20;
        internal const int EINVAL = 22;
        internal const int EMFILE = 24;
        internal const int ENOSPC = 28;
        internal const int ERANGE = 34;
        internal const int ENAMETOOLONG = 36;
        internal const int ENOSYS = 38;
        internal const int ELOOP = 40;
        internal const int EOPNOTSUPP = 95;
        internal const int ENOTSUPP = 524;
    }
}
