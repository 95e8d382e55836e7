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

    /// <summary>Runs <c>dotnet build</c> on the project in <paramref name="dir"/> (no build server, no node reuse); returns its exit code and output.</summary>
    internal static (int ExitCode, string Output) BuildProject(string dir, params string[] extraArguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "build", "-nologo", "-v", "q", "--disable-build-servers" }.Concat(extraArguments))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment.Remove("BPFCHANNELS_ARTIFACTS");
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }

    /// <summary>Writes a project in <paramref name="dir"/> that uses BpfChannels as a package user would: the library, the generator and the build item.</summary>
    internal static void WriteConsumerProject(string dir, string name, string bpfSource, string extraProperties = "")
    {
        string bin = AppContext.BaseDirectory;
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RootNamespace>{name}</RootNamespace>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{bin}BpfChannels.dll" />
                <Analyzer Include="{bin}BpfChannels.Bindings.dll" />
                <BpfProgram Include="{bpfSource}" Embed="true" />
              </ItemGroup>
              <Import Project="{RepositoryRoot}src/BpfChannels/buildTransitive/BpfChannels.targets" />
            </Project>
            """);
    }

    internal static string TempDirectory(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
