using System.Runtime.InteropServices;

namespace BpfChannels.Hosting.Tests;

/// <summary>The context of the test programs' <c>SEC("syscall")</c> entry points (<c>struct set_args</c> in bpf/*.bpf.c).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SetArgs
{
    public uint Key;
    public uint Pad;
    public ulong Value;
}
