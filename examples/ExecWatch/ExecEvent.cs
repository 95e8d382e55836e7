using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ExecWatch;

/// <summary>The record the BPF program writes for each exec(), laid out as <c>struct exec_event</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ExecEvent
{
    public uint Pid;
    public uint Uid;
    public ulong TimeNanoseconds;
    public CommBuffer Comm;
    public FilenameBuffer Filename;

    /// <summary>The command name (task comm) as a string.</summary>
    public readonly string CommText => Text(Comm);

    /// <summary>The executed file as a string.</summary>
    public readonly string FilenameText => Text(Filename);

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? bytes[..end] : bytes);
    }

    [InlineArray(16)]
    public struct CommBuffer
    {
        private byte _element0;
    }

    [InlineArray(128)]
    public struct FilenameBuffer
    {
        private byte _element0;
    }
}
