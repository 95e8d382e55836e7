using System.Text.Json.Nodes;
using BpfChannels.Tests.Support;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>
/// Cgroup storage holds an entry only while a program using it is attached to a cgroup, so bpftool-created maps of
/// these types are always empty: here a cgroup_skb program with both kinds (and their BTF) is attached to a cgroup
/// of its own, sends from it, and bpfchan's dump, show and lookup must parse to bpftool's.
/// </summary>
public sealed class BpftoolCgroupStorageParityTests : IDisposable
{
    private readonly string _hierarchy = Path.Combine(Path.GetTempPath(), "bpfchan_cgroup2_" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        string cgroup = Path.Combine(_hierarchy, "sender");
        if (Directory.Exists(cgroup))
        {
            Directory.Delete(cgroup); // empty: the sending shell has exited
        }

        if (Directory.Exists(_hierarchy))
        {
            _ = BpfTestEnvironment.RunWithExit("umount", [_hierarchy], out _);
            Directory.Delete(_hierarchy);
        }
    }

    [Fact]
    public async Task DumpShowLookup_AttachedCgroupStorage_SameJsonAsBpftool()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.OpenResource(typeof(BpftoolCgroupStorageParityTests).Assembly, "tool_cgroup_storage.bpf.o");
        obj.Load();
        Directory.CreateDirectory(_hierarchy);
        _ = BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("mount"), "-t", "cgroup2", "none", _hierarchy);
        string cgroup = Directory.CreateDirectory(Path.Combine(_hierarchy, "sender")).FullName;
        using BpfLink link = obj.GetProgram("count_sent").AttachCgroup(cgroup);
        _ = BpfTestEnvironment.Run(
            BpfTestEnvironment.RequireTool("bash"),
            "-c",
            $"echo $$ > {cgroup}/cgroup.procs && for i in 1 2 3; do echo x > /dev/udp/127.0.0.1/9; done");

        foreach (string name in new[] { "shared_sent", "percpu_sent" })
        {
            string id = obj.GetMap(name).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            JsonNode? dump = await BpfChanJsonAsync("-j", "map", "dump", "id", id);
            AssertSameJson(BpftoolJson("map", "dump", "id", id), dump, $"dump of {name}");
            Assert.Single(dump!.AsArray()); // the one attached cgroup
            AssertSameJson(BpftoolJson("map", "show", "id", id), await BpfChanJsonAsync("map", "show", "id", id, "-j"), $"show of {name}");

            string[] key = [.. dump[0]!["key"]!.AsArray().Select(b => b!.GetValue<string>())];
            AssertSameJson(BpftoolJson(["map", "lookup", "id", id, "key", .. key]), await BpfChanJsonAsync(["map", "lookup", "id", id, "key", .. key, "-j"]), $"lookup in {name}");
        }

        // Three datagrams counted in the shared value, and split between the CPUs that sent them in the per-CPU one.
        string percpu = obj.GetMap("percpu_sent").Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        JsonNode? sums = (await BpfChanJsonAsync("dump", "id:" + percpu, "-j", "--sum"))![0];
        Assert.True(sums!["sum"]!.GetValue<ulong>() >= 3, $"per-CPU storage counted {sums["sum"]} datagrams, 3 were sent");
        (int exit, string text, string error) = await BpfChanAsync("dump", "id:" + percpu);
        Assert.True(exit == 0, error);
        for (int cpu = 0; cpu < BpfSystem.PossibleCpuCount; cpu++)
        {
            Assert.Contains($"cpu{cpu} ", text);
        }
    }
}
