namespace BpfChannels;

internal static partial class Interop
{
    internal static class Libraries
    {
        internal const string Libc = "libc";
        internal const string Libbpf = "libbpf.so.1";
    }
}
