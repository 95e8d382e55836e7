using System.IO.Compression;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// BpfFeatures answers from the kernel; on this project's minimum kernels these features must be present, and where the
/// kernel publishes its build configuration (/proc/config.gz) the answers must agree with it.
/// </summary>
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

    [Fact]
    public void SupportsProgramType_Tracing_AnswersWhetherATpBtfProgramLoads()
    {
        BpfTestEnvironment.RequireBpf();

        // Tracing programs load only with a BTF target; every kernel with vmlinux BTF from 5.5 loads tp_btf ones.
        Assert.Equal(BpfFeatures.SupportsAttach(BpfAttachKind.BtfTracepoint), BpfFeatures.SupportsProgramType(BpfProgramType.Tracing));
        Assert.Equal(BpfFeatures.SupportsAttach(BpfAttachKind.Lsm), BpfFeatures.SupportsProgramType(BpfProgramType.Lsm));
        if (File.Exists("/sys/kernel/btf/vmlinux") && KernelAtLeast(5, 5))
        {
            Assert.True(BpfFeatures.SupportsProgramType(BpfProgramType.Tracing), BpfFeatures.GetAttachSupport(BpfAttachKind.BtfTracepoint).Reason);
        }
    }

    [Fact]
    public void GetAttachSupport_KindsOfThisKernelsVersion_Supported()
    {
        BpfTestEnvironment.RequireBpf();
        AssertSupported(BpfAttachKind.RawTracepoint);
        AssertSupported(BpfAttachKind.Tracepoint);
        AssertSupported(BpfAttachKind.PerfEvent);
        AssertSupported(BpfAttachKind.Uprobe);
        if (KernelAtLeast(5, 9))
        {
            AssertSupported(BpfAttachKind.XdpLink);
            AssertSupported(BpfAttachKind.Iterator);
        }

        if (KernelAtLeast(6, 6) && KernelConfig("CONFIG_NET_XGRESS") is not false)
        {
            AssertSupported(BpfAttachKind.Tcx);
        }
    }

    [Fact]
    public void GetAttachSupport_ConfigDependentKinds_AgreeWithTheKernelsBuildConfiguration()
    {
        BpfTestEnvironment.RequireBpf();
        AssertMatchesConfig(BpfAttachKind.Kprobe, "CONFIG_KPROBE_EVENTS", "CONFIG_KPROBES");
        AssertMatchesConfig(BpfAttachKind.KprobeMulti, "CONFIG_FPROBE", KernelAtLeast(5, 18) ? "CONFIG_FPROBE" : null);
        AssertMatchesConfig(BpfAttachKind.Netkit, "CONFIG_NETKIT", KernelAtLeast(6, 7) ? "CONFIG_NETKIT" : null);
        if (KernelAtLeast(6, 6))
        {
            AssertMatchesConfig(BpfAttachKind.UprobeMulti, "CONFIG_UPROBES", "CONFIG_UPROBES");
        }
    }

    [Fact]
    public void GetAttachSupport_EveryKind_CachedWithAReason()
    {
        BpfTestEnvironment.RequireBpf();
        foreach (BpfAttachKind kind in Enum.GetValues<BpfAttachKind>())
        {
            BpfFeatureStatus status = BpfFeatures.GetAttachSupport(kind);
            Assert.Equal(status, BpfFeatures.GetAttachSupport(kind));
            Assert.False(string.IsNullOrWhiteSpace(status.Reason), kind.ToString());
            Assert.True(status.IsSupported || status.Reason.Length > 20, $"{kind}: {status.Reason}");
            Assert.DoesNotContain("run it as root", status.Reason, StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => BpfFeatures.GetAttachSupport((BpfAttachKind)99));
    }

    [Fact]
    public void GetAttachSupport_RefusedToAPrivilegedProcess_NamesTheKernelsRefusal()
    {
        BpfTestEnvironment.RequireBpf();
        foreach (BpfAttachKind kind in new[] { BpfAttachKind.Fentry, BpfAttachKind.Fexit, BpfAttachKind.Lsm })
        {
            BpfFeatureStatus status = BpfFeatures.GetAttachSupport(kind);
            if (status is { IsSupported: false, Errno: 1 })
            {
                Assert.Contains("holds every BPF capability", status.Reason, StringComparison.Ordinal);
                Assert.Contains("this kernel forbids it", status.Reason, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void GetIteratorSupport_Targets_TaskAndMapsLoadUnknownDoesNot()
    {
        BpfTestEnvironment.RequireBpf();
        if (KernelAtLeast(5, 8) && File.Exists("/sys/kernel/btf/vmlinux"))
        {
            Assert.True(BpfFeatures.SupportsIterator("task"), BpfFeatures.GetIteratorSupport("task").Reason);
            Assert.True(BpfFeatures.SupportsIterator("bpf_map"), BpfFeatures.GetIteratorSupport("bpf_map").Reason);
        }

        BpfFeatureStatus unknown = BpfFeatures.GetIteratorSupport("no_such_iterator");
        Assert.False(unknown.IsSupported);
        Assert.Contains("bpf_iter_no_such_iterator", unknown.Reason, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BpfFeatures.GetIteratorSupport("task/../x"));
        Assert.Throws<ArgumentException>(() => BpfFeatures.GetIteratorSupport(string.Empty));
    }

    private static void AssertSupported(BpfAttachKind kind) =>
        Assert.True(BpfFeatures.SupportsAttach(kind), $"{kind}: {BpfFeatures.GetAttachSupport(kind).Reason}");

    /// <summary>Where the kernel publishes <paramref name="option"/>, the probe agrees with it, and an absent facility is named.</summary>
    private static void AssertMatchesConfig(BpfAttachKind kind, string option, string? named)
    {
        BpfFeatureStatus status = BpfFeatures.GetAttachSupport(kind);
        if (KernelConfig(option) is { } built)
        {
            Assert.True(built == status.IsSupported, $"{option} is {(built ? "set" : "not set")}, but {kind} probed {status}");
        }

        if (!status.IsSupported && named is not null)
        {
            Assert.Contains(named, status.Reason, StringComparison.Ordinal);
        }
    }

    /// <summary>Whether /proc/config.gz sets <paramref name="option"/> (=y or =m), or null when the kernel does not publish its configuration.</summary>
    private static bool? KernelConfig(string option)
    {
        if (!File.Exists("/proc/config.gz"))
        {
            return null;
        }

        using var reader = new StreamReader(new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith(option + "=", StringComparison.Ordinal))
            {
                return line.EndsWith("=y", StringComparison.Ordinal) || line.EndsWith("=m", StringComparison.Ordinal);
            }
        }

        return false;
    }

    private static bool KernelAtLeast(int major, int minor)
    {
        string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        string[] parts = release.Split('.', '-');
        var version = new Version(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        return version >= new Version(major, minor);
    }
}
