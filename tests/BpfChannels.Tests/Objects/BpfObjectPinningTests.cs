using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>LIBBPF_PIN_BY_NAME maps under a chosen root survive a reload; pin paths, programs and links pin on bpffs.</summary>
public sealed class BpfObjectPinningTests
{
    private static string GlobalsPath => BpfObjectTests.ObjectPath("globals");

    [Fact]
    public void Load_PinByNameUnderRoot_SecondLoadReusesMapAndState()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        var options = new BpfObjectOptions { PinRoot = root.Path };
        uint firstId;
        using (BpfObject first = BpfObject.LoadFile(GlobalsPath, options))
        {
            Assert.True(first.GetMapDefinition("persistent").IsPinned);
            Assert.False(first.GetMapDefinition("transient").IsPinned);
            Assert.Equal(Path.Combine(root.Path, "persistent"), first.GetMapDefinition("persistent").PinPath);
            Assert.True(File.Exists(Path.Combine(root.Path, "persistent")));
            uint args = 1;
            _ = first.GetProgram("accumulate").TestRun(ref args);
            first.GetMap<uint, ulong>("persistent").Update(7, 70);
            firstId = first.GetMap("persistent").Id;
        }

        using BpfObject second = BpfObject.LoadFile(GlobalsPath, options);
        BpfMap<uint, ulong> persistent = second.GetMap<uint, ulong>("persistent");
        Assert.Equal(firstId, persistent.Map.Id);
        Assert.Equal(70ul, persistent[7]);
        uint again = 1;
        _ = second.GetProgram("accumulate").TestRun(ref again);
        Assert.Equal(2ul, persistent[1]);
    }

    [Fact]
    public void PinPath_SetBeforeLoad_MapPinnedThere()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        string path = Path.Combine(root.Path, "chosen");
        using BpfObject obj = BpfObject.Open(GlobalsPath, new BpfObjectOptions { PinRoot = root.Path });
        obj.GetMapDefinition("transient").PinPath = path;
        obj.Load();

        using BpfMap pinned = BpfMap.OpenPinned(path);
        Assert.Equal(obj.GetMap("transient").Id, pinned.Id);
    }

    [Fact]
    public void PinProgramAndLink_OnBpfFs_PinsExist()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("syscall_counter"), new BpfObjectOptions { PinRoot = root.Path });
        obj.GetProgram("count_raw").Pin(Path.Combine(root.Path, "prog"));
        using BpfLink link = obj.GetProgram("count_raw").AttachRawTracepoint("sys_enter");
        link.Pin(Path.Combine(root.Path, "link"));

        Assert.True(File.Exists(Path.Combine(root.Path, "prog")));
        Assert.True(File.Exists(Path.Combine(root.Path, "link")));
        BpfException e = Assert.ThrowsAny<BpfException>(() => obj.GetProgram("count_raw").Pin(Path.Combine(root.Path, "prog")));
        Assert.Equal(BpfError.AlreadyExists, e.Error);
    }
}
