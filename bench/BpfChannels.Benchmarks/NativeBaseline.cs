using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks;

/// <summary>Loads the C baseline library built by bench/run.sh from the path it exports.</summary>
internal static class NativeBaseline
{
    /// <summary>The name every baseline <c>LibraryImport</c> uses.</summary>
    internal const string Library = "bpfchannels_bench_native";

    private const string PathVariable = "BPFCHANNELS_BENCH_NATIVE";

    [ModuleInitializer]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeBaseline).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        string? path = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new DllNotFoundException($"The C baseline library is not built: run bench/run.sh, which builds it and sets {PathVariable} (now '{path}').");
        }

        return NativeLibrary.Load(path);
    }
}
