using BpfChannels.Bindings.Tests.Support;
using BpfChannels.Tests.Support;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// A project that does not declare itself Linux-only, built with warnings as errors: code that uses the bindings over the
/// in-memory twin builds without CA1416, and a kernel call through the bindings is a CA1416 error naming the member.
/// </summary>
public sealed class PlatformTests
{
    private const string Source = """
        #include "bpfchannels.h"
        struct point { __s32 x; __s32 y; };
        struct {
            __uint(type, BPF_MAP_TYPE_HASH);
            __uint(max_entries, 8);
            __type(key, __u32);
            __type(value, struct point);
        } points SEC(".maps");
        struct {
            __uint(type, BPF_MAP_TYPE_RINGBUF);
            __uint(max_entries, 4096);
        } events SEC(".maps");
        __u64 runs;
        SEC("syscall")
        int touch(void *ctx) { runs++; return 0; }
        char LICENSE[] SEC("license") = "GPL";
        """;

    [Fact]
    public void Build_TwinOnAnyOsAndKernelCallUnguarded_OnlyTheKernelCallIsCA1416()
    {
        BpfTestEnvironment.RequireTool("clang-14", "clang");
        string dir = TestPaths.TempDirectory("bindings-platform");
        try
        {
            TestPaths.WriteConsumerProject(dir, "Anywhere", "probe.bpf.c", "<TreatWarningsAsErrors>true</TreatWarningsAsErrors>");
            File.WriteAllText(Path.Combine(dir, "probe.bpf.c"), Source);
            File.WriteAllText(Path.Combine(dir, "Twin.cs"), """
                namespace Anywhere;
                public static class Twin
                {
                    public static int Use()
                    {
                        using ProbeBpf.MapSet maps = ProbeBpf.CreateInMemoryMaps();
                        maps.Points.Update(1u, new ProbeBpf.Point { X = 1, Y = 2 });
                        string name = ProbeBpf.MapName.Points + ProbeBpf.ProgramName.Touch + ProbeBpf.ObjectFileName;
                        if (System.OperatingSystem.IsLinux())
                        {
                            using ProbeBpf bpf = ProbeBpf.OpenAndLoad(); // guarded: no warning
                            bpf.Programs.Touch.TestRun();
                        }

                        return maps.Points[1u].Y + name.Length + ProbeBpf.MapNames.Count;
                    }
                }
                """);
            (int twin, string twinOutput) = TestPaths.BuildProject(dir);
            Assert.True(twin == 0, "the twin code should build with warnings as errors:\n" + twinOutput);
            Assert.DoesNotContain("CA1416", twinOutput, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(dir, "Kernel.cs"), """
                namespace Anywhere;
                public static class Kernel
                {
                    public static ulong Use()
                    {
                        using ProbeBpf bpf = ProbeBpf.OpenAndLoad();
                        return bpf.Bss.Runs;
                    }
                }
                """);
            (int kernel, string kernelOutput) = TestPaths.BuildProject(dir);

            Assert.NotEqual(0, kernel);
            Assert.Contains("Kernel.cs", kernelOutput, StringComparison.Ordinal);
            Assert.Contains("error CA1416", kernelOutput, StringComparison.Ordinal);
            Assert.Contains("'ProbeBpf.OpenAndLoad(BpfObjectOptions?)'", kernelOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("Twin.cs", kernelOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
