using System.Diagnostics;
using BpfChannels.Bindings.Tests.Support;
using BpfChannels.Tests.Support;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// The point of the bindings: a project whose C# uses a map builds while the map exists, and stops building, with a
/// compiler error naming the member, once the .bpf.c renames the map.
/// </summary>
public sealed class CompileSafetyTests
{
    private const string Source = """
        #include "bpfchannels.h"
        struct {
            __uint(type, BPF_MAP_TYPE_HASH);
            __uint(max_entries, 16);
            __type(key, __u32);
            __type(value, __u64);
        } MAP_NAME SEC(".maps");
        char LICENSE[] SEC("license") = "GPL";
        """;

    [Fact]
    public void Build_MapRenamedInBpfSource_FailsWithCompilerErrorNamingTheMember()
    {
        BpfTestEnvironment.RequireTool("clang-14", "clang");
        string dir = TestPaths.TempDirectory("bindings-rename");
        try
        {
            string bin = AppContext.BaseDirectory;
            File.WriteAllText(Path.Combine(dir, "Renamed.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <RootNamespace>Renamed</RootNamespace>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="{bin}BpfChannels.dll" />
                    <Analyzer Include="{bin}BpfChannels.Bindings.dll" />
                    <BpfProgram Include="probe.bpf.c" Embed="true" />
                  </ItemGroup>
                  <Import Project="{TestPaths.RepositoryRoot}src/BpfChannels/buildTransitive/BpfChannels.targets" />
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Use.cs"), """
                namespace Renamed;
                public static class Use
                {
                    public static ulong Read(ProbeBpf bpf) => bpf.Maps.Counts.TryLookup(1u, out ulong value) ? value : 0;
                }
                """);
            File.WriteAllText(Path.Combine(dir, "probe.bpf.c"), Source.Replace("MAP_NAME", "counts", StringComparison.Ordinal));
            (int first, string firstOutput) = Build(dir);
            Assert.True(first == 0, "the project should build while the map is named counts:\n" + firstOutput);

            File.WriteAllText(Path.Combine(dir, "probe.bpf.c"), Source.Replace("MAP_NAME", "totals", StringComparison.Ordinal));
            (int second, string secondOutput) = Build(dir);

            Assert.NotEqual(0, second);
            Assert.Contains("error CS1061", secondOutput, StringComparison.Ordinal);
            Assert.Contains("'Counts'", secondOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Build(string dir)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "build", "-nologo", "-v", "q", "--disable-build-servers", "-p:TreatWarningsAsErrors=false" })
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
}
