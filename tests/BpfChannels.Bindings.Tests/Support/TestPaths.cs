using System.Diagnostics;
using System.Reflection;

namespace BpfChannels.Bindings.Tests.Support;

/// <summary>Paths of the repository and of the BPF sources copied beside the tests, and a way to run clang on them.</summary>
internal static class TestPaths
{
    internal static string RepositoryRoot { get; } = typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepositoryRoot").Value!;

    internal static string Include => Path.Combine(RepositoryRoot, "src", "BpfChannels", "include");

    internal static string BpfSources => Path.Combine(AppContext.BaseDirectory, "bpf");

    /// <summary>Runs clang -target bpf on <paramref name="source"/>; returns its exit code and error output.</summary>
    internal static (int ExitCode, string Errors) CompileBpf(string clang, string source, string output, params string[] extraFlags)
    {
        var start = new ProcessStartInfo(clang) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "-target", "bpf", "-O2", "-Wall" }.Concat(extraFlags).Concat(["-I", Include, "-I", "/usr/include/x86_64-linux-gnu", "-I", BpfSources, "-c", source, "-o", output]))
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, errors);
    }

    internal static string TempDirectory(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
