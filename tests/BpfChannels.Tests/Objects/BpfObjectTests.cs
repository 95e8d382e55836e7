using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>Opens and loads objects compiled from bpf/*.bpf.c by the BpfProgram build item, and drives them with BPF_PROG_TEST_RUN.</summary>
public sealed class BpfObjectTests
{
    public static string ObjectPath(string name) => Path.Combine(AppContext.BaseDirectory, name + ".bpf.o");

    [StructLayout(LayoutKind.Sequential)]
    private struct Config
    {
        public uint Multiplier;
        public uint Enabled;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ComputeArgs
    {
        public uint Key;
        public uint Input;
        public ulong Output;
    }

    [Fact]
    public void Open_FromFile_ListsMapsInDefinitionOrderAndPrograms()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.Open(ObjectPath("test_objects"));

        Assert.False(obj.IsLoaded);
        Assert.Equal(["config_map", "results", "xdp_stats"], obj.Maps.Select(m => m.Name));
        Assert.Equal(BpfMapType.Hash, obj.Maps[1].Type);
        Assert.Equal(64, obj.Maps[1].MaxEntries);
        Assert.Equal(8, obj.Maps[0].ValueSize);
        Assert.Equal(BpfMapType.Hash, obj.Maps[0].Type);
        BpfProgram compute = obj.GetProgram("compute");
        Assert.Equal(BpfProgramType.Syscall, compute.Type);
        Assert.Equal("syscall", compute.SectionName);
        Assert.Equal(BpfProgramType.Xdp, obj.GetProgram("count_packets").Type);
        Assert.Throws<InvalidOperationException>(() => obj.GetMap("results"));
    }

    [Fact]
    public void Load_ConfigWrittenWithNoExist_SyscallProgramReadsItAndWritesResult()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(ObjectPath("test_objects"));
        BpfMap<uint, Config> config = obj.GetMap<uint, Config>("config_map");
        BpfMap<uint, ulong> results = obj.GetMap<uint, ulong>("results");
        BpfProgram compute = obj.GetProgram("compute");

        var args = new ComputeArgs { Key = 7, Input = 6 };
        Assert.Equal(1u, compute.TestRun(ref args));
        Assert.False(results.ContainsKey(7));

        // The configuration is written once: a second NoExist write is refused by the kernel and changes nothing.
        config.Update(0, new Config { Multiplier = 5, Enabled = 1 }, BpfMapUpdateFlags.NoExist);
        Assert.Equal(BpfError.AlreadyExists, config.UpdateWithResult(0, new Config { Multiplier = 9, Enabled = 1 }, BpfMapUpdateFlags.NoExist));
        results.Update(99, 1, BpfMapUpdateFlags.NoExist);

        Assert.Equal(0u, compute.TestRun(ref args));
        Assert.Equal(30ul, args.Output);
        Assert.Equal(30ul, results[7]);
        Assert.Equal(1ul, results[99]);
    }

    [Fact]
    public void TestRun_XdpWithDataAndRepeat_ReturnsVerdictRewrittenDataAndCounts()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(ObjectPath("test_objects"));
        BpfProgram xdp = obj.GetProgram("count_packets");
        byte[] packet = new byte[64];
        packet[0] = 6;
        packet[1] = 0x42;
        byte[] output = new byte[128];

        BpfTestRunResult result = xdp.TestRun(packet, output, repeat: 10);

        Assert.Equal(2u, result.ReturnValue); // XDP_PASS
        Assert.Equal(64, result.DataSize);
        Assert.Equal(0xAB, output[0]);
        Assert.Equal(0x42, output[1]);
        Assert.True(result.DurationNanoseconds > 0, "the kernel measures XDP test runs");
        BpfMap<uint, ulong> stats = obj.GetMap<uint, ulong>("xdp_stats");
        // The kernel reruns the program on the same buffer: the first run sees 6 (key 2), the other nine see 0xAB (key 3).
        Assert.Equal(1ul, stats[2]);
        Assert.Equal(9ul, stats[3]);
        Assert.Equal(0ul, stats[0]);
    }

    [Fact]
    public void TestRun_XdpWithContext_ContextRoundTrips()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(ObjectPath("test_objects"));
        byte[] packet = new byte[32];
        // struct xdp_md { data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex }: data_end = 32.
        uint[] context = [0, 32, 0, 0, 0, 0];
        uint[] contextOut = new uint[6];

        BpfTestRunResult result = obj.GetProgram("count_packets").TestRun(packet, default, MemoryMarshal.AsBytes(context.AsSpan()), MemoryMarshal.AsBytes(contextOut.AsSpan()));

        Assert.Equal(2u, result.ReturnValue);
        Assert.Equal(24, result.ContextSize);
        Assert.Equal(32u, contextOut[1]);
    }

    [Fact]
    public void Open_FromMemory_LoadsLikeTheFile()
    {
        BpfTestEnvironment.RequireBpf();
        byte[] elf = File.ReadAllBytes(ObjectPath("test_objects"));
        using BpfObject obj = BpfObject.Open(elf, "from_memory");
        obj.Load();

        Assert.Equal("from_memory", obj.Name);
        Assert.Equal(3, obj.Maps.Count);
        Assert.Equal(BpfMapType.Array, obj.Maps[2].Map.Type);
        Assert.True(obj.GetProgram("compute").IsLoaded);
    }

    [Fact]
    public void OpenResource_EmbeddedObject_Loads()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.OpenResource(typeof(BpfObjectTests).Assembly, "test_objects.bpf.o");
        obj.Load();

        var args = new ComputeArgs { Key = 1, Input = 2 };
        Assert.Equal(1u, obj.GetProgram("compute").TestRun(ref args));
    }

    [Fact]
    public void GetMap_ByIndexAndName_SameKernelMap()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(ObjectPath("test_objects"));

        Assert.Equal(obj.Maps[1].Map.Id, obj.GetMap("results").Id);
        Assert.Equal("results", obj.GetMap("results").GetInfo().Name);
        Assert.NotEqual(obj.Maps[0].Map.Id, obj.Maps[1].Map.Id);
    }

    [Fact]
    public void MaxEntries_SetBeforeLoad_KernelMapHasIt()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.Open(ObjectPath("test_objects"));
        obj.GetMapDefinition("results").MaxEntries = 1000;
        obj.Load();

        Assert.Equal(1000, obj.GetMap("results").GetInfo().MaxEntries);
        Assert.Throws<InvalidOperationException>(() => obj.GetMapDefinition("results").MaxEntries = 5);
    }

    [Fact]
    public void AutoLoad_FalseBeforeLoad_ProgramNotLoaded()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.Open(ObjectPath("test_objects"));
        obj.GetProgram("count_packets").AutoLoad = false;
        obj.Load();

        Assert.False(obj.GetProgram("count_packets").IsLoaded);
        Assert.True(obj.GetProgram("compute").IsLoaded);
        Assert.Throws<InvalidOperationException>(() => obj.GetProgram("count_packets").TestRun());
    }
}
