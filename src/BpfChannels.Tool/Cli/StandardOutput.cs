using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BpfChannels.Tool;

/// <summary>
/// Standard output as a plain file descriptor stream. <see cref="Console.OpenStandardOutput()"/> initialises the
/// console on its first write (terminal state, a signal-handling thread), which a command that only prints pays for
/// at every start. Like the console's stream, a reader that has gone away (EPIPE, as in <c>bpfchan map dump ... | head</c>)
/// ends the output silently; every other failed write (a full disk) is thrown, so it is reported. Once the output
/// passes 64 KiB, a pipe is grown to 1 MiB: the reader of a large dump (jq, a script) is then woken once per
/// megabyte instead of once per 64 KiB, which on a busy machine was most of a 100,000-entry dump's wall time.
/// </summary>
internal sealed partial class StandardOutput : Stream
{
    private const int EPIPE = 32;
    private const int F_SETPIPE_SZ = 1031; // linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7
    private const int LargeOutput = 1 << 16;
    private const int LargePipe = 1 << 20; // the default /proc/sys/fs/pipe-max-size

    private readonly FileStream _file;
    private bool _readerGone;
    private long _written;

    private StandardOutput(FileStream file) => _file = file;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Descriptor 1 as a stream, or the console's stream when it is not usable as a file.</summary>
    public static Stream Open()
    {
        try
        {
            return new StandardOutput(new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0));
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Console.OpenStandardOutput(); // closed or unusual descriptor: the console knows what to do
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_readerGone)
        {
            return;
        }

        try
        {
            _file.Write(buffer);
        }
        catch (IOException e) when (e.HResult == EPIPE)
        {
            _readerGone = true;
            return;
        }

        if (_written < LargeOutput && (_written += buffer.Length) >= LargeOutput)
        {
            // Not a pipe (a file, a terminal), or above the user's pipe limit: the size stays, nothing else changes.
            _ = SetPipeSize(1, F_SETPIPE_SZ, LargePipe);
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int SetPipeSize(int fd, int command, int size);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
