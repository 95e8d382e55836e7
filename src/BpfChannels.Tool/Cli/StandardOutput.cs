using System.Runtime.InteropServices;

namespace BpfChannels.Tool;

/// <summary>
/// Standard output as write(2) on descriptor 1. Not <see cref="Console.OpenStandardOutput()"/>, which initialises the
/// console on its first write (terminal state, a signal-handling thread) at every start; not a <see cref="FileStream"/>
/// over the descriptor either, which on a regular file writes at a position of its own (pwrite) and leaves the shared
/// file offset where it was, so the next writer to the same file (<c>{ bpfchan ...; echo; } &gt; file</c>) wrote over
/// the output. Like the console's stream, a reader that has gone away (EPIPE, as in <c>bpfchan map dump ... | head</c>)
/// ends the output silently; every other failed write (a full disk) is thrown, so it is reported. Once the output
/// passes 64 KiB, a pipe is grown to 1 MiB: the reader of a large dump (jq, a script) is then woken once per
/// megabyte instead of once per 64 KiB, which on a busy machine was most of a 100,000-entry dump's wall time.
/// </summary>
internal sealed partial class StandardOutput : Stream
{
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int EPIPE = 32;
    private const int F_GETFD = 1;
    private const int F_SETPIPE_SZ = 1031; // linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7
    private const short POLLOUT = 4;
    private const int LargeOutput = 1 << 16;
    private const int LargePipe = 1 << 20; // the default /proc/sys/fs/pipe-max-size

    private readonly int _fd;
    private bool _readerGone;
    private long _written;

    /// <summary>Writes to <paramref name="fd"/>, which the caller keeps open for the stream's lifetime.</summary>
    internal StandardOutput(int fd) => _fd = fd;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Descriptor 1 as a stream, or the console's stream when descriptor 1 is closed.</summary>
    public static Stream Open() => Fcntl(1, F_GETFD, 0) >= 0 ? new StandardOutput(1) : Console.OpenStandardOutput();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int length = buffer.Length;
        while (!_readerGone && buffer.Length > 0)
        {
            nint written = WriteBytes(buffer);
            if (written >= 0)
            {
                buffer = buffer[(int)written..];
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case EINTR:
                    break;
                case EAGAIN:
                    WaitWritable(); // a non-blocking descriptor inherited from the shell: wait as a blocking one would
                    break;
                case EPIPE:
                    _readerGone = true;
                    break;
                default:
                    throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
            }
        }

        if (_written < LargeOutput && (_written += length) >= LargeOutput)
        {
            // Not a pipe (a file, a terminal), or above the user's pipe limit: the size stays, nothing else changes.
            _ = Fcntl(_fd, F_SETPIPE_SZ, LargePipe);
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private unsafe nint WriteBytes(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* bytes = buffer)
        {
            return Write(_fd, bytes, (nuint)buffer.Length);
        }
    }

    private unsafe void WaitWritable()
    {
        PollFd poll = new() { Fd = _fd, Events = POLLOUT };
        while (Poll(&poll, 1, -1) < 0 && Marshal.GetLastPInvokeError() == EINTR)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    /// <summary>struct pollfd (poll.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
