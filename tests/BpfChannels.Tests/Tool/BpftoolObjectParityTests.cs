using System.Globalization;
using System.Text.Json.Nodes;
using BpfChannels.Tests.Support;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>prog show -j and link show -j from bpfchan parse to bpftool's JSON for the same programs and links.</summary>
public sealed class BpftoolObjectParityTests
{
    [Fact]
    public async Task ProgAndLinkShow_LoadedObject_SameJsonAsBpftool()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.OpenResource(typeof(BpftoolObjectParityTests).Assembly, "tool_maps.bpf.o");
        obj.Load();
        using BpfLink link = obj.GetProgram("tool_raw").AttachRawTracepoint("sys_enter");

        var programIds = new List<string>();
        foreach (uint id in BpfProgramInfo.GetAllIds())
        {
            using BpfHandle handle = BpfProgramInfo.OpenById(id);
            BpfProgramInfo info = BpfProgramInfo.FromHandle(handle);
            if (info.Name is "tool_raw" or "emit" || info.Name.StartsWith("tool_program_wi", StringComparison.Ordinal))
            {
                programIds.Add(id.ToString(CultureInfo.InvariantCulture));
                Assert.True(info.MemoryLockedBytes > 0, $"program {info.Name} has no memlock in its info"); // bpftool's bytes_memlock below
            }
        }

        Assert.Equal(3, programIds.Count);
        foreach (string id in programIds)
        {
            JsonNode? theirs = BpftoolJson("prog", "show", "id", id);
            JsonNode? ours = await BpfChanJsonAsync("prog", "show", "id", id, "-j");
            // loaded_at is whole seconds from two clock readings: the tools may straddle a second.
            Assert.InRange(ours!["loaded_at"]!.GetValue<long>() - theirs!["loaded_at"]!.GetValue<long>(), -1, 1);
            ours["loaded_at"] = theirs["loaded_at"]!.GetValue<long>();
            AssertSameJson(theirs, ours, $"prog show id {id}");
        }

        JsonNode? named = await BpfChanJsonAsync("prog", "show", "name", "tool_raw", "-j");
        Assert.Equal("tool_raw", named!["name"]!.GetValue<string>());
        JsonNode? longName = (await BpfChanJsonAsync("progs", "-j"))!.AsArray().Single(p => p!["name"]!.GetValue<string>().StartsWith("tool_program", StringComparison.Ordinal));
        Assert.Equal("tool_program_with_a_long_name", longName!["name"]!.GetValue<string>());

        uint linkId = BpfLinkInfo.GetAll().Single(l => programIds.Contains(l.ProgramId.ToString(CultureInfo.InvariantCulture))).Id;
        string linkText = linkId.ToString(CultureInfo.InvariantCulture);
        JsonNode? linkJson = await BpfChanJsonAsync("link", "show", "id", linkText, "-j");
        AssertSameJson(BpftoolJson("link", "show", "id", linkText), linkJson, "link show");
        Assert.Equal("sys_enter", linkJson!["tp_name"]!.GetValue<string>());
        (int exit, string text, _) = await BpfChanAsync("links");
        Assert.Equal(0, exit);
        Assert.Contains($"{linkId}: raw_tracepoint  prog ", text);
    }
}
