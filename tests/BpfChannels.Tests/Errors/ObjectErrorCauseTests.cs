using BpfChannels.Tests.Objects;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Errors;

/// <summary>Object and program errors speak of objects and programs, and a refusal to a privileged process is the kernel's.</summary>
public sealed class ObjectErrorCauseTests
{
    [Fact]
    public void Load_FentryRefusedToPrivilegedProcess_ExplainsKernelRefusalNotPrivileges()
    {
        BpfTestEnvironment.RequireBpf();
        BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.LoadFile(BpfObjectTests.ObjectPath("fentry_refused"), new BpfObjectOptions { VerifierLogSize = 0 }));

        Assert.Equal(BpfError.NotPermitted, e.Error);
        Assert.Contains("the kernel refused although this process", e.Message, StringComparison.Ordinal);
        Assert.Contains("no capability is missing", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("run it as root", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("map", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Open_ZeroLengthFile_RefusedAsNotAnElfObjectWithoutMentioningMaps()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bpfchan_zero_{Guid.NewGuid():N}.bpf.o");
        File.WriteAllBytes(path, []);
        try
        {
            BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.Open(path));

            Assert.Contains("is empty (0 bytes)", e.Message, StringComparison.Ordinal);
            Assert.Contains("ELF", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("map", e.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_TruncatedElf_ErrorNeverMentionsMaps()
    {
        BpfTestEnvironment.RequireBpf();
        byte[] elf = File.ReadAllBytes(BpfObjectTests.ObjectPath("test_objects"));

        BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.Open(elf.AsSpan(0, 64), "truncated"));

        Assert.Equal("bpf_object__open", e.Command);
        Assert.DoesNotContain("map type", e.Message, StringComparison.Ordinal);
    }
}
