using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int EPOLL_CLOEXEC = 0x80000;
        internal const int EPOLL_CTL_ADD = 1;
        internal const int EPOLL_CTL_DEL = 2;
        internal const uint EPOLLIN = 0x001;
        internal const uint EPOLLOUT = 0x004;
        internal const uint EPOLLERR = 0x008;
        internal const uint EPOLLHUP = 0x010;
        internal const int EFD_CLOEXEC = 0x80000;
        internal const int EFD_NONBLOCK = 0x800;

        /// <summary>
        /// struct epoll_event. x86-64 declares it __attribute__((packed)) (12 bytes); every other 64-bit
        /// architecture aligns <c>data</c> to 8 (16 bytes). <see cref="EpollEventSize"/> and
        /// <see cref="EpollDataOffset"/> give the layout of the running architecture.
        /// </summary>
        internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

        internal static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

        [LibraryImport(Libraries.Libc, EntryPoint = "epoll_create1", SetLastError = true)]
        private static partial int EpollCreate1Raw(int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
        private static unsafe partial int EpollCtlRaw(int epfd, int op, int fd, byte* ev);

        // Not SetLastError, as bpf(2)'s stub: the event loop waits once per wake-up, and errno means something only after a
        // -1, so EpollWait reads it then, straight after the call (the runtime preserves errno across the return).
        [LibraryImport(Libraries.Libc, EntryPoint = "epoll_wait")]
        private static unsafe partial int EpollWaitRaw(int epfd, byte* events, int maxevents, int timeout);

        [LibraryImport(Libraries.Libc, EntryPoint = "eventfd", SetLastError = true)]
        private static partial int EventfdRaw(uint initval, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        private static unsafe partial nint WriteRaw(int fd, void* buf, nuint count);

        [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        private static unsafe partial nint ReadRaw(int fd, void* buf, nuint count);

        /// <summary>epoll_create1(EPOLL_CLOEXEC): 0 and the new descriptor, or the errno.</summary>
        internal static int EpollCreate(out int fd)
        {
            fd = EpollCreate1Raw(EPOLL_CLOEXEC);
            return fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        /// <summary>epoll_ctl with an event whose data is <paramref name="data"/>: 0 or the errno.</summary>
        internal static unsafe int EpollCtl(int epfd, int op, int fd, uint events, ulong data)
        {
            byte* ev = stackalloc byte[16];
            *(uint*)ev = events;
            *(ulong*)(ev + EpollDataOffset) = data;
            return EpollCtlRaw(epfd, op, fd, ev) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        /// <summary>epoll_wait into <paramref name="events"/> (a buffer of <see cref="EpollEventSize"/>-byte entries): 0 and the count, or the errno.</summary>
        internal static unsafe int EpollWait(int epfd, Span<byte> events, int timeoutMilliseconds, out int count)
        {
            fixed (byte* p = events)
            {
                count = EpollWaitRaw(epfd, p, events.Length / EpollEventSize, timeoutMilliseconds);
                return count < 0 ? Marshal.GetLastSystemError() : 0;
            }
        }

        /// <summary>The data word of the <paramref name="index"/>th event in an epoll_wait buffer.</summary>
        internal static ulong EpollEventData(ReadOnlySpan<byte> events, int index) =>
            MemoryMarshal.Read<ulong>(events.Slice((index * EpollEventSize) + EpollDataOffset, 8));

        /// <summary>eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK): 0 and the new descriptor, or the errno.</summary>
        internal static int EventFd(out int fd)
        {
            fd = EventfdRaw(0, EFD_CLOEXEC | EFD_NONBLOCK);
            return fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        /// <summary>Adds one to an eventfd counter: 0 or the errno.</summary>
        internal static unsafe int EventFdSignal(int fd)
        {
            ulong one = 1;
            return WriteRaw(fd, &one, 8) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        /// <summary>Resets a non-blocking eventfd counter to zero: 0 or the errno (EAGAIN when it was zero).</summary>
        internal static unsafe int EventFdDrain(int fd)
        {
            ulong value;
            return ReadRaw(fd, &value, 8) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }
}
