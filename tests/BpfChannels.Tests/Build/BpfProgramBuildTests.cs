using System.Reflection;
using System.Text.RegularExpressions;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Build;

/// <summary>
/// The BpfProgram item's incremental build (clang's dependency files), its diagnostics, and the libbpf way
/// (a vmlinux.h generated with bpftool, libbpf's headers, CO-RE relocations applied by libbpf at load).
/// Each test builds a small project of its own in a temporary directory with dotnet msbuild.
/// </summary>
public sealed partial class BpfProgramBuildTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"bpfchannels_build_{Environment.ProcessId}_{Guid.NewGuid():N}");

    public BpfProgramBuildTests()
    {
        _ = Directory.CreateDirectory(Path.Combine(_dir, "include"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ObjectPath(string source) => Path.Combine(_dir, "obj", "Release", "bpf", Path.ChangeExtension(source, ".o"));

    private void WriteProject(string items) => File.WriteAllText(Path.Combine(_dir, "probe.proj"), $"""
        <Project>
          <PropertyGroup>
            <IntermediateOutputPath>obj/Release/</IntermediateOutputPath>
            <BpfIncludeDirectories>{Path.Combine(_dir, "include")}</BpfIncludeDirectories>
          </PropertyGroup>
          <ItemGroup>{items}</ItemGroup>
          <Import Project="{TargetsPath()}" />
        </Project>
        """);

    private static string TargetsPath()
    {
        string root = typeof(BpfProgramBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
        string targets = Path.Combine(root, "src", "BpfChannels", "buildTransitive", "BpfChannels.targets");
        return File.Exists(targets) ? targets : throw new InvalidOperationException($"{targets} does not exist.");
    }

    private string Build(out int exitCode) =>
        BpfTestEnvironment.RunWithExit(BpfTestEnvironment.RequireTool("dotnet"), ["msbuild", Path.Combine(_dir, "probe.proj"), "-t:BpfCompile", "-nologo", "-v:n", "-nodeReuse:false"], out exitCode);

    private string BuildOrFail()
    {
        string output = Build(out int exit);
        Assert.True(exit == 0, output);
        return output;
    }

    /// <summary>The sources clang was run on in a build's log, by file name.</summary>
    private static string[] Compiled(string output) =>
        [.. CompileLine().Matches(output).Select(m => Path.GetFileName(m.Groups[1].Value)).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"-target bpf .* -c ""([^""]+)""")]
    private static partial Regex CompileLine();

    private void WriteSource(string name, string body) => File.WriteAllText(Path.Combine(_dir, name), body);

    [Fact]
    public void BpfCompile_IncludedHeaderChanged_RecompilesExactlyTheObjectsThatIncludeIt()
    {
        BpfTestEnvironment.RequireTool("clang-14", "clang");
        string header = Path.Combine(_dir, "include", "answer.h");
        File.WriteAllText(header, "#define ANSWER 7\n");
        WriteSource("with_header.bpf.c", """
            #include "bpfchannels.h"
            #include "answer.h"
            SEC("syscall")
            int with_header(void *ctx) { return ANSWER; }
            char LICENSE[] SEC("license") = "GPL";
            """);
        WriteSource("without_header.bpf.c", """
            #include "bpfchannels.h"
            SEC("syscall")
            int without_header(void *ctx) { return 1; }
            char LICENSE[] SEC("license") = "GPL";
            """);
        WriteProject("""<BpfProgram Include="with_header.bpf.c;without_header.bpf.c" />""");

        Assert.Equal(["with_header.bpf.c", "without_header.bpf.c"], Compiled(BuildOrFail()));
        byte[] before = File.ReadAllBytes(ObjectPath("with_header.bpf.c"));
        DateTime untouched = File.GetLastWriteTimeUtc(ObjectPath("without_header.bpf.c"));

        // The header must be newer than the object, but not dated in the future: an object rebuilt within that
        // future would still look older than the header, and the next build would compile it again.
        SpinWait.SpinUntil(() => DateTime.UtcNow > File.GetLastWriteTimeUtc(ObjectPath("with_header.bpf.c")).AddMilliseconds(10));
        File.WriteAllText(header, "#define ANSWER 42\n");
        Assert.True(File.GetLastWriteTimeUtc(header) > File.GetLastWriteTimeUtc(ObjectPath("with_header.bpf.c")));
        Assert.Equal(["with_header.bpf.c"], Compiled(BuildOrFail()));
        Assert.NotEqual(before, File.ReadAllBytes(ObjectPath("with_header.bpf.c")));
        Assert.Equal(untouched, File.GetLastWriteTimeUtc(ObjectPath("without_header.bpf.c")));

        string again = BuildOrFail();
        Assert.Empty(Compiled(again));
        Assert.Contains("Skipping target \"BpfCompile\"", again, StringComparison.Ordinal);
    }

    [Fact]
    public void BpfCompile_SourceWithError_ReportsFileLineAndColumn()
    {
        BpfTestEnvironment.RequireTool("clang-14", "clang");
        WriteSource("broken.bpf.c", """
            #include "bpfchannels.h"
            SEC("syscall")
            int broken(void *ctx) { return = 1; }
            """);
        WriteProject("""<BpfProgram Include="broken.bpf.c" />""");

        string output = Build(out int exit);

        Assert.NotEqual(0, exit);
        Assert.Matches(@"broken\.bpf\.c\(3,\d+\): error", output);
        Assert.False(File.Exists(ObjectPath("broken.bpf.c")));
    }

    [Fact]
    public void BpfCompile_Vmlinux_GeneratesHeaderOnceAndLibbpfAppliesCoreRelocations()
    {
        BpfTestEnvironment.RequireTool("clang-14", "clang");
        BpfTestEnvironment.RequireTool("bpftool", "/usr/sbin/bpftool");
        BpfTestEnvironment.RequireBpf();
        WriteSource("core.bpf.c", """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include <bpf/bpf_tracing.h>
            #include <bpf/bpf_core_read.h>
            #include "bpfchannels.h"

            struct {
                __uint(type, BPF_MAP_TYPE_HASH);
                __uint(max_entries, 4096);
                __type(key, __u32);
                __type(value, __u32);
            } parents SEC(".maps");

            SEC("raw_tp/sys_enter")
            int BPF_PROG(record_parent, struct pt_regs *regs, long id)
            {
                struct task_struct *task = (struct task_struct *)bpf_get_current_task();
                __u32 tgid = BPF_CORE_READ(task, tgid);
                __u32 parent = BPF_CORE_READ(task, real_parent, tgid);
                bpf_map_update_elem(&parents, &tgid, &parent, BPF_ANY);
                return 0;
            }
            char LICENSE[] SEC("license") = "GPL";
            """);
        WriteProject("""<BpfProgram Include="core.bpf.c" Vmlinux="true" />""");

        string first = BuildOrFail();
        string vmlinux = Path.Combine(_dir, "obj", "Release", "bpf", "vmlinux", "vmlinux.h");
        Assert.Contains("btf dump file", first, StringComparison.Ordinal);
        Assert.Contains("struct task_struct {", File.ReadAllText(vmlinux), StringComparison.Ordinal);
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "core.bpf.c"), DateTime.UtcNow.AddSeconds(2));
        string second = BuildOrFail();
        Assert.DoesNotContain("btf dump file", second, StringComparison.Ordinal);
        Assert.Equal(["core.bpf.c"], Compiled(second));

        using BpfObject obj = BpfObject.LoadFile(ObjectPath("core.bpf.c"));
        BpfMap<uint, uint> parents = obj.GetMap<uint, uint>("parents"); // owned by obj
        using (obj.GetProgram("record_parent").AttachRawTracepoint("sys_enter"))
        {
            _ = Environment.ProcessId; // cached by the runtime; a file read is a system call of this process
            _ = File.ReadAllText("/proc/self/stat");
        }

        uint self = (uint)Environment.ProcessId;
        Assert.True(parents.TryLookup(self, out uint parent), "the program recorded no entry for this process");
        Assert.Equal(ParentPid(), parent);
    }

    /// <summary>The parent's pid as the kernel reports it in /proc/self/stat (field 4, after the command in parentheses).</summary>
    private static uint ParentPid()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return uint.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
