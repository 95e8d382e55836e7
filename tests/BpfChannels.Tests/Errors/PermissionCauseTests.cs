using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Errors;

/// <summary>
/// EPERM and EACCES explained by the cause that applies, each produced by the kernel: a read-only or write-only
/// descriptor, a frozen map, a pin's file mode or directory against another user, a kernel refusal to root.
/// </summary>
public sealed class PermissionCauseTests : IDisposable
{
    private const string RootAdvice = "run it as root";
    private readonly string _directory;

    public PermissionCauseTests()
    {
        BpfTestEnvironment.RequireBpfFs();
        _directory = Path.Combine(BpfSystem.DefaultBpfFsPath, $"bpfchan_cause_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(_directory);
    }

    public void Dispose()
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(_directory))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        Directory.Delete(_directory);
    }

    [Fact]
    public void Freeze_ReadOnlyDescriptor_ExplainsReadOnlyDescriptorNotPrivileges()
    {
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4, name: "freeze_ro");
        string path = Path.Combine(_directory, "freeze_ro");
        map.Map.Pin(path);
        using BpfMap readOnly = BpfMap.OpenPinned(path, BpfPinAccess.ReadOnly);

        BpfException e = Assert.Throws<BpfException>(readOnly.Freeze);

        Assert.Equal(BpfError.NotPermitted, e.Error);
        Assert.Equal("BPF_MAP_FREEZE", e.Command);
        Assert.Contains("opened read-only", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RootAdvice, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CAP_BPF", e.Message, StringComparison.Ordinal);
        Assert.False(map.Map.IsFrozen);
    }

    [Fact]
    public void TryLookup_WriteOnlyDescriptor_ExplainsWriteOnlyDescriptor()
    {
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4, name: "lookup_wo");
        map.Update(1, 10);
        string path = Path.Combine(_directory, "lookup_wo");
        map.Map.Pin(path);
        using BpfMap writeOnly = BpfMap.OpenPinned(path, BpfPinAccess.WriteOnly);

        BpfException e = Assert.Throws<BpfException>(() => writeOnly.As<int, int>().TryLookup(1, out _));

        Assert.Equal(BpfError.NotPermitted, e.Error);
        Assert.Equal("BPF_MAP_LOOKUP_ELEM", e.Command);
        Assert.Contains("opened write-only", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RootAdvice, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_FrozenMap_ExplainsFrozenAndFreezeAgainSaysAlreadyFrozen()
    {
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4, name: "frozen_upd");
        map.Update(1, 10);
        map.Map.Freeze();

        BpfException update = Assert.Throws<BpfException>(() => map.Update(1, 11));
        BpfException again = Assert.Throws<BpfException>(map.Map.Freeze);

        Assert.Equal(BpfError.NotPermitted, update.Error);
        Assert.Contains("the map is frozen", update.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("read-only", update.Message, StringComparison.Ordinal);
        Assert.Equal(BpfError.NotPermitted, again.Error);
        Assert.Contains("already frozen", again.Message, StringComparison.Ordinal);
        Assert.Equal(10, map[1]);
    }

    [Fact]
    public void OpenPinned_OwnerOnlyPinAsOtherUser_ExplainsModeAndOwner()
    {
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4, name: "other_user");
        string path = Path.Combine(_directory, "other_user");
        map.Map.Pin(path);
        File.SetUnixFileMode(_directory, (UnixFileMode)0x1ED); // 0755: the directory is not the cause

        string output = OpenAsNobody(path);

        string[] parts = output.Split('|', 2);
        Assert.True(parts[0] == "EACCES", output);
        Assert.Contains($"the pin '{path}' is mode 0600, owner uid 0", parts[1], StringComparison.Ordinal);
        Assert.Contains("uid 65534", parts[1], StringComparison.Ordinal);
        Assert.DoesNotContain("descriptor", parts[1], StringComparison.Ordinal);
        Assert.DoesNotContain(RootAdvice, parts[1], StringComparison.Ordinal);
    }

    [Fact]
    public void OpenPinned_PinInDirectoryOthersCannotSearch_ExplainsDirectory()
    {
        string inner = Path.Combine(_directory, "private");
        Directory.CreateDirectory(inner);
        File.SetUnixFileMode(_directory, (UnixFileMode)0x1ED); // 0755
        File.SetUnixFileMode(inner, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4, name: "hidden_pin");
        string path = Path.Combine(inner, "hidden");
        map.Map.Pin(path, (UnixFileMode)0x1B6); // 0666: the file is not the cause

        string output = OpenAsNobody(path);

        Assert.StartsWith("EACCES|", output, StringComparison.Ordinal);
        Assert.Contains($"may not search the directory '{inner}' (mode 0700, owner uid 0", output, StringComparison.Ordinal);
    }

    private static string OpenAsNobody(string path)
    {
        string setpriv = BpfTestEnvironment.RequireTool("setpriv");
        string output = BpfTestEnvironment.RunWithExit(
            setpriv,
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--", ChildProcess.ExecutablePath],
            out int exit,
            new Dictionary<string, string> { [ErrorCauseChild.Variable] = path, ["HOME"] = Path.GetTempPath() });
        Assert.True(exit == 0, output);
        return output.Trim();
    }
}
