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
            TestPaths.WriteConsumerProject(dir, "Renamed", "probe.bpf.c");
            File.WriteAllText(Path.Combine(dir, "Use.cs"), """
                namespace Renamed;
                public static class Use
                {
                    public static ulong Read(ProbeBpf bpf) => bpf.Maps.Counts.TryLookup(1u, out ulong value) ? value : 0;
                }
                """);
            File.WriteAllText(Path.Combine(dir, "probe.bpf.c"), Source.Replace("MAP_NAME", "counts", StringComparison.Ordinal));
            (int first, string firstOutput) = TestPaths.BuildProject(dir, "-p:TreatWarningsAsErrors=false");
            Assert.True(first == 0, "the project should build while the map is named counts:\n" + firstOutput);

            File.WriteAllText(Path.Combine(dir, "probe.bpf.c"), Source.Replace("MAP_NAME", "totals", StringComparison.Ordinal));
            (int second, string secondOutput) = TestPaths.BuildProject(dir, "-p:TreatWarningsAsErrors=false");

            Assert.NotEqual(0, second);
            Assert.Contains("error CS1061", secondOutput, StringComparison.Ordinal);
            Assert.Contains("'Counts'", secondOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
