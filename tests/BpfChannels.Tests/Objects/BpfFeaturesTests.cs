using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>BpfFeatures answers from the kernel; on this project's minimum kernels these features must be present.</summary>
public sealed class BpfFeaturesTests
{
    private const int BpfFuncMapLookupElem = 1;
    private const int BpfFuncOverrideReturn = 58;

    [Fact]
    public void SupportsMapType_TypesOfEveryModernKernel_True()
    {
        BpfTestEnvironment.RequireBpf();
        Assert.True(BpfFeatures.SupportsMapType(BpfMapType.Hash));
        Assert.True(BpfFeatures.SupportsMapType(BpfMapType.RingBuffer));
        Assert.True(BpfFeatures.SupportsMapType(BpfMapType.LpmTrie));
        Assert.False(BpfFeatures.SupportsMapType((BpfMapType)4000));
    }

    [Fact]
    public void SupportsProgramType_XdpAndPerfEvent_True()
    {
        BpfTestEnvironment.RequireBpf();
        Assert.True(BpfFeatures.SupportsProgramType(BpfProgramType.Xdp));
        Assert.True(BpfFeatures.SupportsProgramType(BpfProgramType.PerfEvent));
        Assert.True(BpfFeatures.SupportsProgramType(BpfProgramType.Tracepoint));
        Assert.False(BpfFeatures.SupportsProgramType((BpfProgramType)4000));
    }

    [Fact]
    public void SupportsHelper_ByProgramType_AnswersPerType()
    {
        BpfTestEnvironment.RequireBpf();
        Assert.True(BpfFeatures.SupportsHelper(BpfProgramType.Xdp, BpfFuncMapLookupElem));

        // bpf_override_return is for kprobes only (and only with CONFIG_BPF_KPROBE_OVERRIDE); never for XDP.
        Assert.False(BpfFeatures.SupportsHelper(BpfProgramType.Xdp, BpfFuncOverrideReturn));
        Assert.True(BpfFeatures.SupportsHelper(BpfProgramType.Kprobe, BpfFuncMapLookupElem));
        Assert.False(BpfFeatures.SupportsHelper(BpfProgramType.SocketFilter, 100_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => BpfFeatures.SupportsHelper(BpfProgramType.Xdp, 0));
        Assert.Throws<NotSupportedException>(() => BpfFeatures.SupportsHelper(BpfProgramType.Tracing, BpfFuncMapLookupElem));
    }

    [Fact]
    public void HasKprobes_ThisKernel_MatchesTheKprobePmu()
    {
        Assert.Equal(Directory.Exists("/sys/bus/event_source/devices/kprobe"), BpfFeatures.HasKprobes);
        Assert.Equal(Directory.Exists("/sys/bus/event_source/devices/uprobe"), BpfFeatures.HasUprobes);
    }

    [Fact]
    public void HasTracepoint_ExecveAndMissing_TrueThenFalse()
    {
        BpfTestEnvironment.RequireBpf();
        Assert.True(BpfFeatures.HasTracepoint("syscalls", "sys_enter_execve"), "tracefs is not mounted or the kernel lacks syscall tracepoints (CONFIG_FTRACE_SYSCALLS)");
        Assert.False(BpfFeatures.HasTracepoint("syscalls", "sys_enter_no_such_call"));
        Assert.Throws<ArgumentException>(() => BpfFeatures.HasTracepoint("../..", "x/y"));
    }
}
