using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>Checks once that libbpf.so.1 can be loaded, so its absence is reported by name with the package to install.</summary>
internal static class LibbpfLibrary
{
    private static readonly Lazy<string?> Missing = new(() => Probe(Interop.Libraries.Libbpf));

    /// <summary>Throws a <see cref="DllNotFoundException"/> naming the package when libbpf.so.1 cannot be loaded.</summary>
    internal static void EnsureAvailable()
    {
        if (Missing.Value is { } message)
        {
            throw new DllNotFoundException(message);
        }
    }

    /// <summary>Returns null when <paramref name="library"/> loads, otherwise the message to report.</summary>
    internal static string? Probe(string library)
    {
        if (NativeLibrary.TryLoad(library, typeof(LibbpfLibrary).Assembly, null, out nint handle))
        {
            NativeLibrary.Free(handle);
            return null;
        }

        return $"{library} could not be loaded. BPF objects are opened through libbpf 1.x: install the 'libbpf1' package (Debian/Ubuntu: apt-get install libbpf1; Fedora: dnf install libbpf).";
    }
}
