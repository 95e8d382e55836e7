using System.Reflection;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>The BpfProgram MSBuild item: compiles with clang, skips up-to-date objects, and fails clearly without clang.</summary>
public sealed class BpfProgramItemTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"bpfchannels_item_{Environment.ProcessId}_{Guid.NewGuid():N}");

    public BpfProgramItemTests()
    {
        _ = Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "probe.bpf.c"), """
            #include "bpfchannels.h"
            SEC("syscall")
            int probe(void *ctx) { return 7; }
            char LICENSE[] SEC("license") = "GPL";
            """);
        File.WriteAllText(Path.Combine(_dir, "probe.proj"), $"""
            <Project>
              <PropertyGroup><IntermediateOutputPath>obj/</IntermediateOutputPath></PropertyGroup>
              <ItemGroup><BpfProgram Include="probe.bpf.c" /></ItemGroup>
              <Import Project="{TargetsPath()}" />
            </Project>
            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string TargetsPath()
    {
        string root = typeof(BpfProgramItemTests).Assembly.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
        string targets = Path.Combine(root, "src", "BpfChannels", "buildTransitive", "BpfChannels.targets");
        return File.Exists(targets) ? targets : throw new InvalidOperationException($"{targets} does not exist.");
    }

    private string Build(out int exitCode, IDictionary<string, string>? environment = null) =>
        BpfTestEnvironment.RunWithExit(BpfTestEnvironment.RequireTool("dotnet"), ["msbuild", Path.Combine(_dir, "probe.proj"), "-t:BpfCompile", "-nologo", "-v:n", "-nodeReuse:false"], out exitCode, environment);

    [Fact]
    public void BpfCompile_Source_ProducesBpfObjectThenSkipsWhenUpToDate()
    {
        BpfTestEnvironment.RequireTool("clang-14", "clang");
        string output = Build(out int exit);
        Assert.True(exit == 0, output);
        string obj = Path.Combine(_dir, "obj", "bpf", "probe.bpf.o");
        byte[] elf = File.ReadAllBytes(obj);
        Assert.Equal(0x7F, elf[0]);
        Assert.Equal(247, BitConverter.ToUInt16(elf, 18)); // EM_BPF
        DateTime written = File.GetLastWriteTimeUtc(obj);

        string again = Build(out exit);
        Assert.True(exit == 0, again);
        Assert.Contains("Skipping target \"BpfCompile\"", again, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(obj));
    }

    [Fact]
    public void BpfCompile_NoClangOnPath_FailsWithBpf0001()
    {
        string output = Build(out int exit, new Dictionary<string, string> { ["PATH"] = "/nonexistent" });

        Assert.NotEqual(0, exit);
        Assert.Contains("BPF0001", output, StringComparison.Ordinal);
        Assert.Contains("set the BpfClang property", output, StringComparison.Ordinal);
        Assert.Contains("apt-get install clang", output, StringComparison.Ordinal);
    }
}
