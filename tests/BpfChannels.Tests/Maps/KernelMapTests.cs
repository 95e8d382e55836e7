using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

/// <summary>What only the kernel can show: create errors, privileges, descriptors, ids, map types.</summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class KernelMapTests
{
    public KernelMapTests() => BpfTestEnvironment.RequireBpf();

    [Fact]
    public void Create_InvalidAttribute_ReportsEINVAL()
    {
        // Arrays are always preallocated: the kernel refuses BPF_F_NO_PREALLOC on them.
        BpfException e = Assert.Throws<BpfException>(() => BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 4, Flags = BpfMapFlags.NoPrealloc, Name = "bad_array" }));
        Assert.Equal(BpfError.InvalidArgument, e.Error);
        Assert.Equal("BPF_MAP_CREATE", e.Command);
        Assert.Equal("bad_array", e.ObjectName);
        Assert.Contains("EINVAL", e.Message);
    }

    [Fact]
    public void Create_HugeMap_ReportsENOMEMOrE2BIG()
    {
        BpfException e = Assert.Throws<BpfException>(() => BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Array, KeySize = 4, ValueSize = 1 << 20, MaxEntries = int.MaxValue }));
        Assert.True(e.Error is BpfError.OutOfMemory or BpfError.TooBig, e.Message);
        Assert.Contains("max_entries", e.Message);
    }

    [Fact]
    public void Create_WithoutCapabilities_ReportsEPERM()
    {
        string setpriv = BpfTestEnvironment.RequireTool("setpriv");
        string output = BpfTestEnvironment.RunWithExit(
            setpriv,
            ["--bounding-set=-bpf,-sys_admin,-perfmon,-net_admin", "--", ChildProcess.ExecutablePath],
            out int exit,
            new Dictionary<string, string> { [ChildProcess.ScenarioVariable] = "create-map" });
        Assert.Equal(0, exit);
        string[] parts = output.Trim().Split('|');
        Assert.Equal("EPERM", parts[0]);
        Assert.Equal(nameof(BpfError.NotPermitted), parts[1]);
        Assert.Contains("CAP_BPF", parts[2]);
        Assert.Contains("lacks CAP_BPF (or CAP_SYS_ADMIN)", parts[2]);
    }

    [Fact]
    public void Maps_CreatedAndDisposed_ReturnFdCountToStart()
    {
        FdCount.AssertNoLeak(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(8);
                map.Update(1, 1);
                using BpfMap byId = BpfMap.OpenById(map.Map.Id);
                Assert.Equal(1, byId.As<int, int>()[1]);
                using BpfMmapArray<long> mmap = BpfMapFactory.Kernel.CreateMmapArray<long>(4);
                mmap[0] = 1;
                Assert.Throws<BpfException>(() => BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1, Flags = BpfMapFlags.NoPrealloc }));
            }
        });
    }

    [Fact]
    public void GetAllIds_IncludesNewMap_OpenByIdSharesData()
    {
        using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(8, name: "enum_test");
        map.Update(3, 33);
        uint id = map.Map.Id;
        Assert.Contains(id, BpfMapInfo.GetAllIds());
        Assert.Contains(BpfMapInfo.GetAll(), info => info.Id == id && info.Name == "enum_test");
        using BpfMap opened = BpfMap.OpenById(id);
        Assert.Equal(33, opened.As<int, int>()[3]);
        Assert.Equal(BpfError.NotFound, Assert.Throws<BpfException>(() => BpfMap.OpenById(uint.MaxValue)).Error);
    }

    [Fact]
    public void EveryCommonMapType_CanBeCreated()
    {
        int page = Environment.SystemPageSize;
        using BpfMap template = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 });
        BpfMapSpec[] specs =
        [
            new() { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.Array, KeySize = 4, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.ProgramArray, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.PerfEventArray, KeySize = 4, ValueSize = 4 },
            new() { Type = BpfMapType.PerCpuHash, KeySize = 4, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.PerCpuArray, KeySize = 4, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.StackTrace, KeySize = 4, ValueSize = 8 * 127, MaxEntries = 8 },
            new() { Type = BpfMapType.CgroupArray, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.LruHash, KeySize = 4, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.LruPerCpuHash, KeySize = 4, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.LpmTrie, KeySize = 8, ValueSize = 8, MaxEntries = 8, Flags = BpfMapFlags.NoPrealloc },
            new() { Type = BpfMapType.ArrayOfMaps, KeySize = 4, ValueSize = 4, MaxEntries = 8, InnerMap = template },
            new() { Type = BpfMapType.HashOfMaps, KeySize = 4, ValueSize = 4, MaxEntries = 8, InnerMap = template },
            new() { Type = BpfMapType.DevMap, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.SockMap, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.CpuMap, KeySize = 4, ValueSize = 4, MaxEntries = 2 },
            new() { Type = BpfMapType.XskMap, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.SockHash, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.ReuseportSockArray, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.Queue, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.Stack, ValueSize = 8, MaxEntries = 8 },
            new() { Type = BpfMapType.DevMapHash, KeySize = 4, ValueSize = 4, MaxEntries = 8 },
            new() { Type = BpfMapType.RingBuffer, MaxEntries = page * 4 },
            new() { Type = BpfMapType.BloomFilter, ValueSize = 8, MaxEntries = 8, MapExtra = 3 },
            new() { Type = BpfMapType.UserRingBuffer, MaxEntries = page * 4 },
            new() { Type = BpfMapType.CgroupStorage, KeySize = 8, ValueSize = 8 },
            new() { Type = BpfMapType.PerCpuCgroupStorage, KeySize = 8, ValueSize = 8 },
            new() { Type = BpfMapType.Arena, MaxEntries = 4, Flags = BpfMapFlags.Mmapable },
        ];
        foreach (BpfMapSpec spec in specs)
        {
            using BpfMap map = BpfMap.Create(spec);
            Assert.Equal(spec.Type, map.GetInfo().Type);
        }
    }

    [Theory]
    [InlineData(BpfMapType.SkStorage)]
    [InlineData(BpfMapType.InodeStorage)]
    [InlineData(BpfMapType.TaskStorage)]
    [InlineData(BpfMapType.CgroupStorageLocal)]
    public void LocalStorageMaps_WithBtf_CanBeCreated(BpfMapType type)
    {
        var builder = new BpfBtfBuilder();
        uint intId = builder.AddInt("int", 4, signed: true);
        uint valueId = builder.AddInt("long long", 8, signed: true);
        using BpfBtf btf = BpfBtf.Load(builder.Build());
        using BpfMap map = BpfMap.Create(new BpfMapSpec
        {
            Type = type,
            KeySize = 4,
            ValueSize = 8,
            Flags = BpfMapFlags.NoPrealloc,
            Btf = btf.Handle,
            BtfKeyTypeId = intId,
            BtfValueTypeId = valueId,
        });
        BpfMapInfo info = map.GetInfo();
        Assert.Equal(type, info.Type);
        Assert.Equal(valueId, info.BtfValueTypeId);
        Assert.NotEqual(0u, info.BtfId);
    }

    [Fact]
    public void BtfLoad_Invalid_ReportsKernelLog()
    {
        byte[] blob = new BpfBtfBuilder().Build();
        blob[2] = 9; // unknown BTF version
        BpfException e = Assert.Throws<BpfException>(() => BpfBtf.Load(blob));
        Assert.Equal("BPF_BTF_LOAD", e.Command);
        Assert.Contains("Kernel log", e.Message);
    }

    [Fact]
    public void ReadSnapshot_MapTypeWithoutBatch_FallsBackToGetNextKey()
    {
        // Device maps have no batch operations (ENOTSUPP): the read walks with get_next_key instead.
        using BpfMap devices = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.DevMap, KeySize = 4, ValueSize = 4, MaxEntries = 4 });
        var typed = devices.As<uint, uint>();
        typed.Update(2, 1); // the loopback interface
        Assert.Equal(BpfError.NotSupported, Assert.Throws<BpfException>(() => typed.LookupBatch(new BpfMapBatchCursor(), new uint[4], new uint[4])).Error);

        BpfMapSnapshot snapshot = typed.CreateSnapshot();
        Assert.Equal(1, typed.ReadSnapshot(snapshot));
        Assert.Equal(BpfMapReadStrategy.GetNextKey, snapshot.Strategy);
        Assert.Equal(2u, MemoryMarshal.Read<uint>(snapshot.KeyAt(0)));
        Assert.Equal(1u, MemoryMarshal.Read<uint>(snapshot.ValueAt(0)));
    }

    [Fact]
    public void RingBuffer_Create_HasSizeAsMaxEntries()
    {
        using BpfMap ring = BpfMapFactory.Kernel.CreateRingBuffer(64 * 1024, "ring_test");
        BpfMapInfo info = ring.GetInfo();
        Assert.Equal(BpfMapType.RingBuffer, info.Type);
        Assert.Equal(64 * 1024, info.MaxEntries);
        Assert.Throws<ArgumentException>(() => BpfMapFactory.Kernel.CreateRingBuffer(3000));
    }
}
