using System.Collections.Frozen;
using System.Globalization;

namespace BpfChannels;

internal static partial class Interop
{
    /// <summary>
    /// errno values of Linux (asm-generic/errno-base.h, errno.h, include/linux/errno.h), with their C names and
    /// what each means in one phrase: the one errno table of the library (<see cref="BpfError"/> takes its values
    /// from here, messages their names and meanings).
    /// </summary>
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int ESRCH = 3;
        internal const int EINTR = 4;
        internal const int EIO = 5;
        internal const int E2BIG = 7;
        internal const int ENOEXEC = 8;
        internal const int EBADF = 9;
        internal const int EAGAIN = 11;
        internal const int ENOMEM = 12;
        internal const int EACCES = 13;
        internal const int EFAULT = 14;
        internal const int EBUSY = 16;
        internal const int EEXIST = 17;
        internal const int ENODEV = 19;
        internal const int ENOTDIR = 20;
        internal const int EISDIR = 21;
        internal const int EINVAL = 22;
        internal const int EMFILE = 24;
        internal const int ENOSPC = 28;
        internal const int ERANGE = 34;
        internal const int ENAMETOOLONG = 36;
        internal const int ENOSYS = 38;
        internal const int ELOOP = 40;
        internal const int EOPNOTSUPP = 95;
        internal const int ENOTSUPP = 524;

        private static readonly FrozenDictionary<int, (string Name, string Meaning)> Table = new Dictionary<int, (string, string)>
        {
            [EPERM] = (nameof(EPERM), "operation not permitted"),
            [ENOENT] = (nameof(ENOENT), "no such entry"),
            [ESRCH] = (nameof(ESRCH), "no such process"),
            [EINTR] = (nameof(EINTR), "interrupted"),
            [EIO] = (nameof(EIO), "input/output error"),
            [E2BIG] = (nameof(E2BIG), "too big"),
            [ENOEXEC] = (nameof(ENOEXEC), "not an executable format"),
            [EBADF] = (nameof(EBADF), "bad descriptor"),
            [EAGAIN] = (nameof(EAGAIN), "temporarily unavailable"),
            [ENOMEM] = (nameof(ENOMEM), "out of memory"),
            [EACCES] = (nameof(EACCES), "access denied"),
            [EFAULT] = (nameof(EFAULT), "bad address"),
            [EBUSY] = (nameof(EBUSY), "busy"),
            [EEXIST] = (nameof(EEXIST), "already exists"),
            [ENODEV] = (nameof(ENODEV), "no such device"),
            [ENOTDIR] = (nameof(ENOTDIR), "not a directory"),
            [EISDIR] = (nameof(EISDIR), "is a directory"),
            [EINVAL] = (nameof(EINVAL), "invalid argument"),
            [EMFILE] = (nameof(EMFILE), "too many open files"),
            [ENOSPC] = (nameof(ENOSPC), "no space"),
            [ERANGE] = (nameof(ERANGE), "out of range"),
            [ENAMETOOLONG] = (nameof(ENAMETOOLONG), "name too long"),
            [ENOSYS] = (nameof(ENOSYS), "no such system call"),
            [ELOOP] = (nameof(ELOOP), "too many levels of symbolic links"),
            [EOPNOTSUPP] = (nameof(EOPNOTSUPP), "operation not supported"),
            [ENOTSUPP] = (nameof(ENOTSUPP), "not supported"),
        }.ToFrozenDictionary();

        /// <summary>The C name of an errno (<c>EEXIST</c>), <c>OK</c> for 0, or <c>E</c> and the number for one without a name here.</summary>
        internal static string Name(int errno) => errno == 0
            ? "OK"
            : Table.TryGetValue(errno, out var entry) ? entry.Name : "E" + errno.ToString(CultureInfo.InvariantCulture);

        /// <summary>The errno's meaning in one phrase (strerror's sense, not advice).</summary>
        internal static string Meaning(int errno) => Table.TryGetValue(errno, out var entry) ? entry.Meaning : "error";
    }
}
