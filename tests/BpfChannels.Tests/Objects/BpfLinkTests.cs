using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>Attaches real tracing programs that count this process's syscalls, and detaches them.</summary>
public sealed class BpfLinkTests
{
    private static readonly uint Self = (uint)Environment.ProcessId;

    private static void MakeSyscalls()
    {
        for (int i = 0; i < 50; i++)
        {
            _ = File.Exists("/proc/self/status");
        }
    }

    private static void AssertCountsThenStopAfterDispose(BpfObject obj, string mapName, Func<BpfProgram, BpfLink> attach, string program)
    {
        BpfMap<uint, ulong> counts = obj.GetMap<uint, ulong>(mapName);
        BpfLink link = attach(obj.GetProgram(program));
        MakeSyscalls();
        Assert.True(counts.TryLookup(Self, out ulong whileAttached), $"{mapName} has no count for this process ({Self})");
        Assert.True(whileAttached >= 50, $"{mapName} counted {whileAttached} syscalls, at least 50 were made");

        link.Dispose();
        Assert.True(link.IsDisposed);

        // The attachment goes with the last reference to its descriptor: a child that another test forks in this moment
        // holds a copy until it execs (the descriptor is close-on-exec), so a round of syscalls may still be counted once.
        ulong atDetach = counts[Self];
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            MakeSyscalls();
            ulong after = counts[Self];
            if (after == atDetach)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{mapName} still counted syscalls 10 s after the link was disposed ({atDetach} -> {after})");
            atDetach = after;
        }

        link.Dispose(); // a second dispose detaches nothing and throws nothing
        Assert.Equal(atDetach, counts[Self]);
    }

    [Fact]
    public void AttachRawTracepoint_SysEnter_CountsThisProcessUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"));
        AssertCountsThenStopAfterDispose(obj, "raw_counts", p => p.AttachRawTracepoint("sys_enter"), "count_raw");
    }

    [Fact]
    public void AttachTracing_TpBtfSysEnter_CountsThisProcessUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"));
        AssertCountsThenStopAfterDispose(obj, "btf_counts", p => p.AttachTracing(), "count_btf");
    }

    [Fact]
    public void AttachTracepoint_RawSyscallsSysEnter_CountsThisProcessUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"));
        AssertCountsThenStopAfterDispose(obj, "tp_counts", p => p.AttachTracepoint("raw_syscalls", "sys_enter"), "count_tp");
    }

    [Fact]
    public void Attach_FromSection_CountsThisProcessUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"));
        AssertCountsThenStopAfterDispose(obj, "raw_counts", p => p.Attach(), "count_raw");
    }

    [Fact]
    public void Link_OutlivesObjectDispose_KeepsCountingUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"));
        using BpfMap counts = BpfMap.OpenById(obj.GetMap("raw_counts").Id);
        using var typed = new BpfMap<uint, ulong>(counts);
        using BpfLink link = obj.GetProgram("count_raw").AttachRawTracepoint("sys_enter");
        obj.Dispose();

        ulong before = typed.TryLookup(Self, out ulong v) ? v : 0;
        MakeSyscalls();
        Assert.True(typed[Self] >= before + 50);
    }
}
