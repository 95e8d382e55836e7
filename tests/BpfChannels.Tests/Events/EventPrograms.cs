using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Events;

/// <summary>
/// Compiles the event tests' BPF programs (tests/BpfChannels.Tests/bpf/events/*.bpf.c) once per test run and
/// loads them. They are compiled here rather than by the build so that they can use libbpf's helper headers
/// (bpf_loop, dynptrs, user ring buffers).
/// </summary>
internal static class EventPrograms
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Compiled = new();

    /// <summary>Requires BPF and clang, then loads <c>bpf/events/<paramref name="name"/>.bpf.c</c>.</summary>
    public static BpfObject Load(string name)
    {
        BpfTestEnvironment.RequireBpf();
        string clang = BpfTestEnvironment.RequireTool("clang-14", "clang");
        string path = Compiled.GetOrAdd(name, n => new Lazy<string>(() => Compile(clang, n))).Value;
        return BpfObject.LoadFile(path);
    }

    private static string Compile(string clang, string name)
    {
        string source = Path.Combine(SourceDirectory(), "..", "bpf", "events", name + ".bpf.c");
        string output = Path.Combine(Path.GetTempPath(), $"bpfchannels_events_{Environment.ProcessId}_{name}.bpf.o");
        _ = BpfTestEnvironment.Run(clang, "-target", "bpf", "-O2", "-g", "-c", source, "-I/usr/include/x86_64-linux-gnu", "-o", output);
        return output;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
