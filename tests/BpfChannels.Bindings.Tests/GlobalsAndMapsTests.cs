using BpfChannels.Tests.Support;

namespace BpfChannels.Bindings.Tests;

/// <summary>The generated sections, map definitions, twin and hosting against the kernel and the in-memory twin.</summary>
public sealed class GlobalsAndMapsTests
{
    [Fact]
    public void Rodata_SetBeforeLoad_ProgramSeesItAndWritingAfterLoadThrows()
    {
        BpfTestEnvironment.RequireBpf();
        using LayoutCorpusBpf bpf = LayoutCorpusBpf.Open();
        Assert.Equal(7u, bpf.Rodata.ConfigLimit);
        bpf.Rodata.ConfigLimit = 42;
        bpf.Load();

        bpf.Programs.Touch.TestRun();

        Assert.Equal(42, bpf.Bss.GlobalBits.Tail);
        Assert.Equal(42u, bpf.Rodata.ConfigLimit);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => bpf.Rodata.ConfigLimit = 1);
        Assert.Contains(".rodata", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataSections_WrittenAfterLoad_AreTheProgramsLiveValues()
    {
        BpfTestEnvironment.RequireBpf();
        using LayoutCorpusBpf bpf = LayoutCorpusBpf.OpenAndLoad();
        Assert.Equal(1ul, bpf.Data.DataCounter);
        Assert.Equal(3ul, bpf.DataExtra.NamedSectionValue);
        bpf.Data.DataCounter = 100;

        bpf.Programs.Touch.TestRun();

        Assert.Equal(101ul, bpf.Data.DataCounter);
        Assert.Equal(4ul, bpf.DataExtra.NamedSectionValue);
    }

    [Fact]
    public void MapDefinitions_AdjustedBeforeLoad_TheKernelMapHasThem()
    {
        BpfTestEnvironment.RequireBpf();
        using LayoutCorpusBpf bpf = LayoutCorpusBpf.Open();
        bpf.MapDefinitions.EverythingMap.MaxEntries = 64;
        bpf.Load();

        Assert.Equal(64, bpf.Maps.EverythingMap.Map.MaxEntries);
        Assert.Equal(BpfMapType.LpmTrie, bpf.Maps.Prefixes.Map.Type);
        var key = new LayoutCorpusBpf.Point { X = 1, Y = 2 };
        bpf.Maps.EverythingMap.Update(key, default);
        bpf.Programs.Touch.TestRun();
        Assert.Equal(LayoutCorpusBpf.Tiny.B, bpf.Maps.EverythingMap[key].Tiny);
    }

    [Fact]
    public void Maps_BeforeLoad_ThrowNamingTheMap()
    {
        BpfTestEnvironment.RequireBpf();
        using LayoutCorpusBpf bpf = LayoutCorpusBpf.Open();

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => bpf.Maps.EverythingMap);
        Assert.Contains("everything_map", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateInMemoryMaps_TypedMaps_HaveTheObjectsSizesAndSemantics()
    {
        using LayoutCorpusBpf.MapSet maps = LayoutCorpusBpf.CreateInMemoryMaps();

        Assert.Equal(16, maps.EverythingMap.Map.MaxEntries);
        Assert.Equal(8, maps.EverythingMap.Map.KeySize);
        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<LayoutCorpusBpf.Everything>(), maps.EverythingMap.Map.ValueSize);
        var value = new LayoutCorpusBpf.Everything { D = 2.5 };
        value.Nested.Lo = 9;
        for (int i = 0; i < 16; i++)
        {
            maps.EverythingMap.Update(new LayoutCorpusBpf.Point { X = i }, value, BpfMapUpdateFlags.NoExist);
        }

        Assert.Equal(BpfError.TooBig, maps.EverythingMap.UpdateWithResult(new LayoutCorpusBpf.Point { X = 99 }, value));
        Assert.Equal(9u, maps.EverythingMap[new LayoutCorpusBpf.Point { X = 3 }].Nested.Lo);
        maps.PointsQueue.Push(new LayoutCorpusBpf.Point { X = 5, Y = 6 });
        Assert.True(maps.PointsQueue.TryPop(out LayoutCorpusBpf.Point popped));
        Assert.Equal(6, popped.Y);
        maps.Prefixes.Update(new LpmKey<uint>(24, 0x0000A8C0), 1);
        Assert.True(maps.Prefixes.TryLookup(new LpmKey<uint>(32, 0x0500A8C0), out uint hit));
        Assert.Equal(1u, hit);
    }
}
