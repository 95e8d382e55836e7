using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// fentry and LSM objects load where <see cref="BpfFeatures"/> says the kernel supports them; where it says the kernel
/// refuses them, the load fails with the errno the probe saw, and an EPERM to a process holding every BPF capability is
/// explained as the kernel's refusal, never as a missing privilege.
/// </summary>
public sealed class BpfRefusedLoadTests
{
    [Theory]
    [InlineData(BpfAttachKind.Fentry, "fentry_refused", "on_nanosleep")]
    [InlineData(BpfAttachKind.Lsm, "lsm_file_open", "on_file_open")]
    public void LoadFile_BtfTargetedProgram_LoadsWhereSupportedOtherwiseNamesTheKernelsRefusal(BpfAttachKind kind, string objectName, string program)
    {
        BpfTestEnvironment.RequireBpf();
        BpfFeatureStatus support = BpfFeatures.GetAttachSupport(kind);
        string path = BpfObjectTests.ObjectPath(objectName);
        if (support.IsSupported)
        {
            using BpfObject loaded = BpfObject.LoadFile(path);
            Assert.Equal(kind == BpfAttachKind.Lsm ? BpfProgramType.Lsm : BpfProgramType.Tracing, BpfProgramInfo.FromHandle(loaded.GetProgram(program).Handle).Type);
            return;
        }

        BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.LoadFile(path, new BpfObjectOptions { VerifierLogSize = 0 }));
        Assert.Equal(support.Errno, e.Errno);
        Assert.Contains(program, e.Message, StringComparison.Ordinal);
        if (e.Error == BpfError.NotPermitted)
        {
            Assert.Contains("no capability is missing", e.Message, StringComparison.Ordinal);
            Assert.Contains("this kernel forbids it", e.Message, StringComparison.Ordinal);
            Assert.Contains("this kernel refuses SEC(\"", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("run it as root", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("grant those capabilities", e.Message, StringComparison.Ordinal);
        }
    }
}
