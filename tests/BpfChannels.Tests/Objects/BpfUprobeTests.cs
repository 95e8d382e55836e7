using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>uprobes on a libc function this process calls, filtered to this process.</summary>
public sealed partial class BpfUprobeTests
{
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();

    private static string LibcPath() => File.ReadLines("/proc/self/maps")
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).StartsWith("libc.so", StringComparison.Ordinal))
        .Select(fields => fields[5])
        .First();

    [Fact]
    public void AttachUprobe_LibcFunction_CountsThisProcessCallsUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("uprobe"));
        BpfMap<uint, ulong> calls = obj.GetMap<uint, ulong>("calls");
        string libc = LibcPath();

        BpfLink entry = obj.GetProgram("on_call").AttachUprobe(libc, "getppid", processId: Environment.ProcessId);
        BpfLink exit = obj.GetProgram("on_return").AttachUprobe(libc, "getppid", processId: Environment.ProcessId, isReturnProbe: true);
        for (int i = 0; i < 10; i++)
        {
            _ = GetParentProcessId();
        }

        Assert.True(calls[0] >= 10, $"{calls[0]} calls seen on entry, 10 made");
        Assert.True(calls[1] >= 10, $"{calls[1]} returns seen, 10 made");
        entry.Dispose();
        exit.Dispose();
        ulong detached = calls[0];
        _ = GetParentProcessId();
        Assert.Equal(detached, calls[0]);
    }

    [Fact]
    public void AttachUprobe_MissingSymbol_ThrowsBpfException()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("uprobe"));
        BpfException e = Assert.ThrowsAny<BpfException>(() => obj.GetProgram("on_call").AttachUprobe(LibcPath(), "no_such_function_in_libc"));
        Assert.Contains("no_such_function_in_libc", e.Message, StringComparison.Ordinal);
    }
}
