using System.Buffers.Text;
using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static unsafe partial class Libc
    {

        /// <summary>What one read(2) asks for first: a map's or program's fdinfo is 200 to 400 bytes, so one read and the end-of-file read take all of it.</summary>
        internal const int FdInfoFirstRead = 1024;

        /// <summary>
        /// Reads /proc/self/fdinfo/N of the descriptor behind <paramref name="handle"/> whole, with open(2) and read(2)
        /// into a stack buffer (no FileStream: its first use costs a short command more than the read): 0 and the
        /// file's bytes, or the errno.
        /// </summary>
        internal static int ReadFdInfo(SafeHandle handle, out byte[] text)
        {
            // Held while it is read: a concurrent close and reuse of the number would describe another file.
            using var lease = new HandleLease(handle);
            ReadOnlySpan<byte> prefix = "/proc/self/fdinfo/"u8;
            byte* path = stackalloc byte[prefix.Length + 12];
            prefix.CopyTo(new Span<byte>(path, prefix.Length));
            // Utf8Formatter writes plain ASCII digits without touching culture data; a uint takes at most 10.
            _ = Utf8Formatter.TryFormat((uint)lease.FileDescriptor, new Span<byte>(path + prefix.Length, 11), out int digits);
            path[prefix.Length + digits] = 0;
            return ReadSmallFile(path, out text);
        }

        /// <summary>Reads the NUL-terminated <paramref name="path"/> whole (a file of /proc or another small one): 0 and its bytes, or the errno.</summary>
        internal static int ReadSmallFile(byte* path, out byte[] text)
        {
            text = [];
            int fd;
            while ((fd = Open(path, O_RDONLY | O_CLOEXEC)) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    return errno;
                }
            }

            byte[]? grown = null;
            try
            {
                byte* first = stackalloc byte[FdInfoFirstRead];
                int length = 0;
                while (true)
                {
                    int capacity = grown?.Length ?? FdInfoFirstRead;
                    if (length == capacity)
                    {
                        // Longer than the stack buffer (a link's fdinfo can list many addresses): continue in a larger array.
                        byte[] larger = new byte[capacity * 2];
                        (grown is null ? new ReadOnlySpan<byte>(first, length) : grown.AsSpan(0, length)).CopyTo(larger);
                        grown = larger;
                        capacity = larger.Length;
                    }

                    nint read;
                    fixed (byte* array = grown)
                    {
                        byte* target = (grown is null ? first : array) + length;
                        read = ReadRaw(fd, target, (nuint)(capacity - length));
                    }

                    if (read < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == Errno.EINTR)
                        {
                            continue;
                        }

                        return errno;
                    }

                    if (read == 0)
                    {
                        text = (grown is null ? new ReadOnlySpan<byte>(first, length) : grown.AsSpan(0, length)).ToArray();
                        return 0;
                    }

                    length += (int)read;
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }
    }
}
