using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

public sealed class PinningTests : IDisposable
{
    private readonly string _directory;

    public PinningTests()
    {
        BpfTestEnvironment.RequireBpfFs();
        _directory = Path.Combine(BpfSystem.DefaultBpfFsPath, "bpfchannels_tests_" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Pin_ThenOpenPinned_SharesData()
    {
        string path = Path.Combine(_directory, "counters");
        using (BpfMap<int, long> map = BpfMap.CreateHash<int, long>(16, name: "pinned"))
        {
            map.Update(1, 100);
            map.Map.Pin(path);
        }

        // The map outlives its descriptor: the pin holds it.
        using BpfMap reopened = BpfMap.OpenPinned(path);
        Assert.Equal(100L, reopened.As<int, long>()[1]);
        Assert.Equal("pinned", reopened.Name);
        Assert.True(BpfMap.Unpin(path));
        Assert.False(BpfMap.Unpin(path));
        Assert.Equal(BpfError.NotFound, Assert.Throws<BpfException>(() => BpfMap.OpenPinned(path)).Error);
    }

    [Fact]
    public void Pin_NewPin_OwnerOnlyUnlessAsked()
    {
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4);
        string owner = Path.Combine(_directory, "owner");
        string shared = Path.Combine(_directory, "shared");
        map.Map.Pin(owner);
        map.Map.Pin(shared, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(owner));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(shared));
    }

    [Fact]
    public void Pin_ExistingPath_RefusedNotOverwritten()
    {
        string path = Path.Combine(_directory, "taken");
        using BpfMap<int, int> first = BpfMap.CreateHash<int, int>(4, name: "first");
        using BpfMap<int, int> second = BpfMap.CreateHash<int, int>(4, name: "second");
        first.Map.Pin(path);
        BpfException e = Assert.Throws<BpfException>(() => second.Map.Pin(path));
        Assert.Equal(BpfError.AlreadyExists, e.Error);
        Assert.Contains("unpin", e.Message);
        using BpfMap still = BpfMap.OpenPinned(path);
        Assert.Equal("first", still.Name);
    }

    [Fact]
    public void OpenPinned_ReadOnly_WritesReportEPERM()
    {
        string path = Path.Combine(_directory, "readonly");
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4);
        map.Update(1, 10);
        map.Map.Pin(path);
        using BpfMap readOnly = BpfMap.OpenPinned(path, BpfPinAccess.ReadOnly);
        var typed = readOnly.As<int, int>();
        Assert.Equal(10, typed[1]);
        Assert.Equal(BpfError.NotPermitted, typed.UpdateWithResult(1, 11));
        using BpfMap writeOnly = BpfMap.OpenPinned(path, BpfPinAccess.WriteOnly);
        writeOnly.As<int, int>().Update(2, 20);
        Assert.Equal(20, typed[2]);
    }

    [Fact]
    public void Pin_PathOutsideBpfFs_ThrowsArgumentException()
    {
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4);
        ArgumentException e = Assert.Throws<ArgumentException>(() => map.Map.Pin(Path.Combine(Path.GetTempPath(), "not_bpffs")));
        Assert.Contains("not on a bpffs mount", e.Message);
        Assert.Throws<ArgumentException>(() => BpfMap.OpenPinned("/proc/self/status"));
    }

    [Fact]
    public void Pin_BpfFsNotMounted_ExplainsHowToMount()
    {
        // In a private mount namespace without bpffs at /sys/fs/bpf, the pin is refused before any syscall.
        string unshare = BpfTestEnvironment.RequireTool("unshare");
        string output = BpfTestEnvironment.RunWithExit(
            unshare,
            ["--mount", "--propagation", "private", "sh", "-c", $"umount -l {BpfSystem.DefaultBpfFsPath} && exec \"$0\"", ChildProcess.ExecutablePath],
            out int exit,
            new Dictionary<string, string> { [ChildProcess.ScenarioVariable] = "pin-without-bpffs" });
        Assert.Equal(0, exit);
        Assert.StartsWith("ArgumentException|", output.Trim());
        Assert.Contains("bpffs is not mounted at /sys/fs/bpf", output);
        Assert.Contains("mount -t bpf bpf /sys/fs/bpf", output);
    }

    [Fact]
    public void Pin_InMemoryTwin_NotSupported()
    {
        using BpfMap<int, int> map = BpfMapFactory.InMemory.CreateHash<int, int>(4);
        Assert.Throws<NotSupportedException>(() => map.Map.Pin(Path.Combine(_directory, "twin")));
    }
}
