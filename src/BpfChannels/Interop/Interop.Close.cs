using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }
}
