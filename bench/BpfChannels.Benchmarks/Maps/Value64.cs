using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>A 64-byte map value (W3, W4).</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
public struct Value64
{
    public ulong First;
}
