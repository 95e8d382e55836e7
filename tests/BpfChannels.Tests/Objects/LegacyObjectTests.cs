using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>An object with legacy struct bpf_map_def SEC("maps") definitions loads through the library's own ELF loader.</summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class LegacyObjectTests
{
    private static string LegacyPath => BpfObjectTests.ObjectPath("legacy_maps");

    [Fact]
    public void Load_LegacyMaps_FoundByIndexAndNameWithTheirDefinitions()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(LegacyPath);

        Assert.True(obj.IsLegacy);
        Assert.Equal(["my_map", "counters", "syscalls"], obj.Maps.Select(m => m.Name));
        BpfMapInfo info = obj.Maps[0].Map.GetInfo();
        Assert.Equal(BpfMapType.Hash, info.Type);
        Assert.Equal(4, info.KeySize);
        Assert.Equal(4, info.ValueSize);
        Assert.Equal(100, info.MaxEntries);
        Assert.Equal(BpfMapFlags.NoPrealloc, info.Flags & BpfMapFlags.NoPrealloc);
        Assert.Equal("my_map", info.Name);
        Assert.Equal(obj.Maps[1].Map.Id, obj.GetMap("counters").Id);
        Assert.Equal(BpfMapType.Array, obj.GetMap("counters").GetInfo().Type);
        Assert.Equal(["update_map", "count_syscalls"], obj.Programs.Select(p => p.Name));
        Assert.Equal(BpfProgramType.Syscall, obj.GetProgram("update_map").Type);
        Assert.Equal(BpfProgramType.RawTracepoint, obj.GetProgram("count_syscalls").Type);
    }

    [Fact]
    public void TestRun_LegacyProgram_WritesThePatchedMaps()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(LegacyPath);
        BpfProgram update = obj.GetProgram("update_map");

        Assert.Equal(0u, update.TestRun().ReturnValue);
        Assert.Equal(1u, update.TestRun().ReturnValue); // the key exists now: BPF_NOEXIST fails in the kernel too

        Assert.Equal(1234, obj.GetMap<int, int>("my_map")[1]);
        Assert.Equal(2ul, obj.Maps[1].As<uint, ulong>()[0]);
    }

    [Fact]
    public void AttachRawTracepoint_LegacyProgram_CountsUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(LegacyPath);
        BpfMap<uint, ulong> syscalls = obj.GetMap<uint, ulong>("syscalls");
        uint self = (uint)Environment.ProcessId;
        using (obj.GetProgram("count_syscalls").AttachRawTracepoint("sys_enter"))
        {
            for (int i = 0; i < 20; i++)
            {
                _ = File.Exists("/proc/self/stat");
            }

            Assert.True(syscalls[self] >= 20);
        }

        ulong detached = syscalls[self];
        _ = File.Exists("/proc/self/stat");
        Assert.Equal(detached, syscalls[self]);
        using BpfLink bySection = obj.GetProgram("count_syscalls").Attach();
        Assert.Equal("raw_tp/sys_enter <- count_syscalls", bySection.Description);
    }

    [Fact]
    public void Load_LegacyAdjusted_MaxEntriesPinAndAutoLoadApply()
    {
        BpfTestEnvironment.RequireBpfFs();
        using var root = new TestPinRoot();
        string pin = Path.Combine(root.Path, "my_map");
        using (BpfObject obj = BpfObject.Open(LegacyPath))
        {
            obj.GetMapDefinition("my_map").MaxEntries = 10;
            obj.GetMapDefinition("my_map").PinPath = pin;
            obj.GetProgram("count_syscalls").AutoLoad = false;
            obj.Load();

            Assert.Equal(10, obj.GetMap("my_map").GetInfo().MaxEntries);
            Assert.False(obj.GetProgram("count_syscalls").IsLoaded);
            Assert.True(obj.GetMapDefinition("my_map").IsPinned);
            _ = obj.GetProgram("update_map").TestRun();
        }

        using BpfObject again = BpfObject.Open(LegacyPath);
        again.GetMapDefinition("my_map").MaxEntries = 10;
        again.GetMapDefinition("my_map").PinPath = pin;
        again.Load();
        Assert.Equal(1234, again.GetMap<int, int>("my_map")[1]);
        Assert.Equal(1u, again.GetProgram("update_map").TestRun().ReturnValue);
    }

    [Fact]
    public void Load_LegacyObject_DisposeLeavesNoFd()
    {
        BpfTestEnvironment.RequireBpf();
        FdCount.AssertNoLeak(() =>
        {
            using BpfObject obj = BpfObject.LoadFile(LegacyPath);
            _ = obj.GetProgram("update_map").TestRun();
        });
    }

    [Fact]
    public void Open_LegacyCorruptSectionTable_ThrowsWithoutFdLeak()
    {
        BpfTestEnvironment.RequireBpf();
        byte[] elf = File.ReadAllBytes(LegacyPath);
        // Point e_shoff beyond the end of the file.
        BitConverter.GetBytes((ulong)elf.Length * 2).CopyTo(elf, 40);
        FdCount.AssertNoLeak(() =>
        {
            BpfException e = Assert.ThrowsAny<BpfException>(() => BpfObject.Open(elf, "corrupt_legacy"));
            Assert.Contains("corrupt_legacy", e.Message, StringComparison.Ordinal);
        });
    }
}
