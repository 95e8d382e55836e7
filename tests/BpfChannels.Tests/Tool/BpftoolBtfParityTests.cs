using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BpfChannels.Tests.Support;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>
/// Maps with BTF: bpfchan's "formatted" output parses to the same JSON as bpftool's (structs, char arrays, enums,
/// bitfields, bools, signed chars, per-CPU values), and its text shows every CPU's value.
/// </summary>
public sealed class BpftoolBtfParityTests
{
    [Fact]
    public async Task DumpLookup_ObjectMapsWithStructBtf_SameJsonAsBpftool()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.OpenResource(typeof(BpftoolBtfParityTests).Assembly, "tool_maps.bpf.o");
        obj.Load();
        BpfMap flows = obj.GetMap("flows");
        byte[] flow = Flow(flows.ValueSize, "curl", 1234, state: 2, low: 5, high: 17, delta: -3);
        flows.Update([7, 0, 0, 0], flow);
        flows.Update([8, 0, 0, 0], Flow(flows.ValueSize, "name-without-nul", 1, state: 5, low: 0, high: 31, delta: 100));

        BpfMap counts = obj.GetMap("percpu_counts");
        counts.Update(BitConverter.GetBytes(-5), PerCpu(counts, cpu => BitConverter.GetBytes((ulong)(100 + (23 * cpu)))));
        BpfMap perCpuFlows = obj.GetMap("percpu_flows");
        perCpuFlows.Update([1, 0, 0, 0], PerCpu(perCpuFlows, cpu => Flow(perCpuFlows.ValueSize, "cpu" + cpu, (ulong)cpu, state: 7, low: cpu, high: 0, delta: (sbyte)-cpu)));

        foreach (BpfMap map in new[] { flows, counts, perCpuFlows })
        {
            string id = map.Id.ToString(CultureInfo.InvariantCulture);
            AssertSameJson(BpftoolJson("map", "dump", "id", id), await BpfChanJsonAsync("map", "dump", "id", id, "-j"), $"dump of {map.Name}");
            AssertSameJson(BpftoolJson("map", "show", "id", id), await BpfChanJsonAsync("map", "show", "id", id, "-j"), $"show of {map.Name}");
        }

        string flowsId = flows.Id.ToString(CultureInfo.InvariantCulture);
        JsonNode? lookup = await BpfChanJsonAsync("-j", "map", "lookup", "id", flowsId, "key", "7", "0", "0", "0");
        AssertSameJson(BpftoolJson("map", "lookup", "id", flowsId, "key", "7", "0", "0", "0"), lookup, "lookup in flows");
        Assert.Equal("curl", lookup!["formatted"]!["value"]!["comm"]!.GetValue<string>());
        Assert.Equal("RUNNING", lookup["formatted"]!["value"]!["state"]!.GetValue<string>());

        // Typed keys parse by the BTF type: "7" is the u32 7, "-5" the s32 -5.
        AssertSameJson(lookup, await BpfChanJsonAsync("map", "lookup", "id", flowsId, "key", "7", "-j"), "typed key");
        string countsId = counts.Id.ToString(CultureInfo.InvariantCulture);
        (int exit, string text, string error) = await BpfChanAsync("lookup", countsId, "-5", "--sum");
        Assert.True(exit == 0, error);
        ulong total = 0;
        for (int cpu = 0; cpu < BpfSystem.PossibleCpuCount; cpu++)
        {
            Assert.Contains($"cpu{cpu} {100 + (23 * cpu)}", text);
            total += (ulong)(100 + (23 * cpu));
        }

        Assert.StartsWith($"-5: sum {total} (", text);
    }

    [Fact]
    public async Task Dump_BuilderBtfIntegersPerCpu_SameJsonAsBpftoolAndEveryCpuInText()
    {
        BpfTestEnvironment.RequireBpf();
        var builder = new BpfBtfBuilder();
        uint key = builder.AddInt("int", 4, signed: true);
        uint value = builder.AddInt("unsigned int", 4, signed: false);
        using BpfBtf btf = BpfBtf.Load(builder.Build());
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.PerCpuArray, KeySize = 4, ValueSize = 4, MaxEntries = 2, Name = "par_btf_pcpu", Btf = btf.Handle, BtfKeyTypeId = key, BtfValueTypeId = value });
        map.Update([1, 0, 0, 0], PerCpu(map, cpu => BitConverter.GetBytes(cpu == 0 ? 100u : 23u)));
        string id = map.Id.ToString(CultureInfo.InvariantCulture);
        AssertSameJson(BpftoolJson("map", "dump", "id", id), await BpfChanJsonAsync("map", "dump", "id", id, "-j"), "dump");
        AssertSameJson(BpftoolJson("map", "lookup", "id", id, "key", "1", "0", "0", "0"), await BpfChanJsonAsync("map", "lookup", "id", id, "key", "1", "-p"), "lookup");

        (int exit, string text, _) = await BpfChanAsync("dump", id);
        Assert.Equal(0, exit);
        Assert.Contains("1: cpu0 100, cpu1 23", text);
    }

    private static byte[] PerCpu(BpfMap map, Func<int, byte[]> value)
    {
        byte[] all = new byte[map.ValueBufferSize];
        for (int cpu = 0; cpu < BpfSystem.PossibleCpuCount; cpu++)
        {
            value(cpu).CopyTo(all, cpu * BpfMap.PerCpuStride(map.ValueSize));
        }

        return all;
    }

    /// <summary>struct flow of tool_maps.bpf.c: comm, bytes, state, ports, low:3, high:5, seen, delta.</summary>
    private static byte[] Flow(int size, string comm, ulong bytes, int state, int low, int high, sbyte delta)
    {
        byte[] value = new byte[size];
        byte[] name = Encoding.ASCII.GetBytes(comm);
        name.AsSpan(0, Math.Min(16, name.Length)).CopyTo(value);
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(16), bytes);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(24), state);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(28), 80);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(30), 443);
        value[32] = (byte)((low & 7) | ((high & 31) << 3));
        value[33] = 1;
        value[34] = (byte)delta;
        return value;
    }
}
