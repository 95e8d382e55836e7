using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libc
    {
        /// <summary>vsnprintf(3): formats libbpf's printf-style log messages; <paramref name="args"/> is the callback's va_list as received.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "vsnprintf")]
        internal static partial int vsnprintf(byte* buffer, nuint size, byte* format, nint args);
    }
}
