using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// kprobes by function name and multi-kprobes by pattern, gated on <see cref="BpfFeatures"/>: where it says the kernel
/// has the facility the attach must work and count real calls; where it says not, the attach must fail naming the
/// missing facility (this suite's kernel has no CONFIG_KPROBES and no CONFIG_FPROBE).
/// </summary>
public sealed class BpfKprobeTests
{
    // Every open(2) goes through do_sys_openat2 (Linux 5.6 and later).
    private const string OpenFunction = "do_sys_openat2";

    private static BpfObject Load()
    {
        BpfTestEnvironment.RequireBpf();
        return BpfObject.LoadFile(BpfObjectTests.ObjectPath("kprobes"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AttachKprobe_FunctionName_CountsOpensWhereKernelHasKprobesOtherwiseNamesConfigKprobes(bool isReturnProbe)
    {
        using BpfObject obj = Load();
        BpfProgram program = obj.GetProgram("on_function");
        BpfMap<uint, ulong> hits = obj.GetMap<uint, ulong>("hits");
        if (!BpfFeatures.SupportsAttach(BpfAttachKind.Kprobe))
        {
            BpfException e = Assert.Throws<BpfException>(() => program.AttachKprobe(OpenFunction, isReturnProbe: isReturnProbe));
            Assert.Contains("CONFIG_KPROBES", e.Message, StringComparison.Ordinal);
            Assert.Contains($"{(isReturnProbe ? "kretprobe" : "kprobe")}/{OpenFunction}", e.Message, StringComparison.Ordinal);
            Assert.Contains("on_function", e.Message, StringComparison.Ordinal);
            return;
        }

        using (program.AttachKprobe(OpenFunction, isReturnProbe: isReturnProbe))
        {
            File.ReadAllBytes("/proc/self/stat");
            Assert.True(hits[0] > 0, $"the {(isReturnProbe ? "kretprobe" : "kprobe")} on {OpenFunction} saw no open");
        }

        ulong detached = hits[0];
        File.ReadAllBytes("/proc/self/stat");
        Assert.Equal(detached, hits[0]);
    }

    [Theory]
    [InlineData("AttachKprobeMulti")]
    [InlineData("Attach(target)")]
    [InlineData("Attach()")]
    public void AttachKprobeMulti_Pattern_CountsOpensWhereKernelHasItOtherwiseGivesTheProbesReason(string how)
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> hits = obj.GetMap<uint, ulong>("hits");
        const string Pattern = "do_sys_openat*";
        Func<BpfLink> attach = how switch
        {
            "AttachKprobeMulti" => () => obj.GetProgram("on_functions").AttachKprobeMulti(Pattern),
            "Attach(target)" => () => obj.GetProgram("on_functions").Attach(Pattern),
            _ => () => obj.GetProgram("on_open_functions").Attach(),
        };
        BpfFeatureStatus support = BpfFeatures.GetAttachSupport(BpfAttachKind.KprobeMulti);
        if (!support.IsSupported)
        {
            BpfException e = Assert.Throws<BpfException>(attach);
            Assert.Contains(support.Reason, e.Message, StringComparison.Ordinal);
            Assert.Contains($"kprobe.multi/{Pattern}", e.Message, StringComparison.Ordinal);
            Assert.Equal(support.Errno, e.Errno);
            return;
        }

        using (attach())
        {
            File.ReadAllBytes("/proc/self/stat");
            Assert.True(hits[1] > 0, $"the multi-kprobe on {Pattern} attached by {how} saw no open");
        }
    }

    [Fact]
    public void AttachKprobe_BadArguments_ThrowBeforeAnySyscall()
    {
        using BpfObject obj = Load();
        BpfProgram program = obj.GetProgram("on_function");
        Assert.Throws<ArgumentException>(() => program.AttachKprobe(string.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => program.AttachKprobe(OpenFunction, offset: -1));
        Assert.Throws<ArgumentException>(() => program.AttachKprobe(OpenFunction, offset: 4, isReturnProbe: true));
        Assert.Throws<ArgumentException>(() => obj.GetProgram("on_functions").AttachKprobeMulti(string.Empty));
    }
}
