using System.IO.Pipes;
using System.Text;
using BpfChannels.Tool;
using Microsoft.Win32.SafeHandles;

namespace BpfChannels.Tests.Tool;

/// <summary>bpfchan's standard output: write(2) on a descriptor, as a shell's other writers to the same file see it.</summary>
public sealed class StandardOutputTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "bpfchan_out_" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void Write_RegularFileWrittenByTwoProcessesInTurn_SecondOutputFollowsFirst()
    {
        // As in `{ bpfchan map show; bpfchan map dump id 5; } > file`: one open file, one shared offset, two writers.
        using SafeFileHandle handle = File.OpenHandle(_file, FileMode.Create, FileAccess.Write);
        int fd = (int)handle.DangerousGetHandle();
        new StandardOutput(fd).Write("first\n"u8);
        new StandardOutput(fd).Write("second\n"u8);
        handle.Close();

        Assert.Equal("first\nsecond\n", File.ReadAllText(_file));
    }

    [Fact]
    public void Write_ReaderGone_LaterWritesDroppedWithoutError()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        server.DisposeLocalCopyOfClientHandle();
        int fd = (int)server.SafePipeHandle.DangerousGetHandle();
        var output = new StandardOutput(fd);

        // EPIPE: the output ends as the console's would, where any other failed write (below) is an error.
        Assert.Null(Record.Exception(() => output.Write(Encoding.ASCII.GetBytes("nobody reads this\n"))));
        Assert.Null(Record.Exception(() => output.Write(new byte[1 << 17])));
    }

    [Fact]
    public void Write_DeviceFull_ThrowsIOExceptionNamingTheCause()
    {
        using SafeFileHandle handle = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write);
        var output = new StandardOutput((int)handle.DangerousGetHandle());

        IOException error = Assert.Throws<IOException>(() => output.Write("lost\n"u8));
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_LargeOutputToPipe_EveryByteArrivesInOrder()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        byte[] data = new byte[3 << 20];
        Random.Shared.NextBytes(data);
        var output = new StandardOutput((int)server.SafePipeHandle.DangerousGetHandle());

        Task writer = Task.Run(() =>
        {
            for (int at = 0; at < data.Length; at += 10_000)
            {
                output.Write(data.AsSpan(at, Math.Min(10_000, data.Length - at)));
            }

            server.Dispose();
        });
        using var received = new MemoryStream();
        await client.CopyToAsync(received, TestContext.Current.CancellationToken);
        await writer;

        Assert.Equal(data, received.ToArray());
    }
}
