using Microsoft.Win32.SafeHandles;

namespace BpfChannels.Tool;

/// <summary>
/// Standard output as a plain file descriptor stream. <see cref="Console.OpenStandardOutput()"/> initialises the
/// console on its first write (terminal state, a signal-handling thread), which a command that only prints pays for
/// at every start. Like the console's stream, a reader that has gone away (EPIPE, as in <c>bpfchan map dump ... | head</c>)
/// ends the output silently; every other failed write (a full disk) is thrown, so it is reported.
/// </summary>
internal sealed class StandardOutput : Stream
{
    private const int EPIPE = 32;

    private readonly FileStream _file;
    private bool _readerGone;

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
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
