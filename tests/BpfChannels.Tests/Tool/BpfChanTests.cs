using System.Text.Json;
using System.Text.Json.Nodes;
using BpfChannels.Tests.Support;
using BpfChannels.Tool;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>bpfchan's short forms, help, completions, watch and events, against the kernel, run in-process.</summary>
public sealed class BpfChanTests : IDisposable
{
    private readonly PinDirectory _pins = new();

    public void Dispose() => _pins.Dispose();

    [Fact]
    public async Task Maps_PinnedMap_ListedWithKernelNamesAndPath()
    {
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, BpfMapFlags.NoPrealloc, name: "chan_list");
        string pin = _pins["listed"];
        map.Map.Pin(pin);
        (int exit, string output, _) = await BpfChanAsync("maps");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"{map.Map.Id}: hash  name chan_list  flags 0x1 (BPF_F_NO_PREALLOC)", output);
        Assert.Contains($"\tpinned {pin}", output);

        // --json before the command, -j after it: the same listing.
        foreach (string[] args in new[] { new[] { "--json", "maps" }, ["maps", "-j"] })
        {
            JsonNode ours = (await BpfChanJsonAsync(args))!.AsArray().Single(e => e!["id"]!.GetValue<uint>() == map.Map.Id)!;
            Assert.Equal("hash", ours["type"]!.GetValue<string>());
            Assert.Equal(16, ours["max_entries"]!.GetValue<int>());
            Assert.Equal(pin, ours["pinned"]![0]!.GetValue<string>());
            Assert.Equal("BPF_F_NO_PREALLOC", ours["flag_names"]![0]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task DumpUpdateDelete_ShortFormsWithTypes_TextAndJson()
    {
        string bpftool = BpfTestEnvironment.RequireTool("bpftool");
        string pin = _pins["tool_made"];
        BpfTestEnvironment.Run(bpftool, "map", "create", pin, "type", "hash", "key", "4", "value", "4", "entries", "8", "name", "tool_made");
        BpfTestEnvironment.Run(bpftool, "map", "update", "pinned", pin, "key", "5", "0", "0", "0", "value", "6", "0", "0", "0");

        Assert.Equal(ExitCodes.Success, (await BpfChanAsync("update", pin, "7", "8", "--noexist")).Exit);
        (int exit, _, string error) = await BpfChanAsync("update", pin, "7", "9", "--noexist");
        Assert.Equal(ExitCodes.ConditionFailed, exit);
        Assert.Contains("EEXIST", error);

        (exit, string text, _) = await BpfChanAsync("dump", pin, "--key", "u32", "--value", "u32");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("5: 6", text);
        Assert.Contains("7: 8", text);
        Assert.Contains("Found 2 elements", text);

        JsonArray entries = (await BpfChanJsonAsync("dump", pin, "--key", "u32", "--value", "u32", "-j"))!.AsArray();
        var typed = entries.ToDictionary(e => e!["formatted"]!["key"]!.GetValue<uint>(), e => e!["formatted"]!["value"]!.GetValue<uint>());
        Assert.Equal(new Dictionary<uint, uint> { [5] = 6, [7] = 8 }, typed);

        // Without types the entries are bpftool's, byte for byte.
        AssertSameJson(BpftoolJson("map", "dump", "pinned", pin), await BpfChanJsonAsync("map", "dump", "pinned", pin, "-j"), "dump");

        Assert.Equal(ExitCodes.Success, (await BpfChanAsync("delete", pin, "5")).Exit);
        (exit, _, error) = await BpfChanAsync("delete", pin, "5");
        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Contains("ENOENT", error);
    }

    [Fact]
    public async Task PushPopPeek_Queue_FifoOrderAsBpftool()
    {
        string pin = _pins["queue"];
        Bpftool("map", "create", pin, "type", "queue", "key", "0", "value", "4", "entries", "4", "name", "chan_queue");
        Assert.Equal(ExitCodes.Success, (await BpfChanAsync("push", pin, "11")).Exit);
        Assert.Equal(ExitCodes.Success, (await BpfChanAsync("map", "push", "pinned", pin, "value", "22", "0", "0", "0")).Exit);
        Assert.Equal("11\n", (await BpfChanAsync("peek", pin, "--value", "u32")).Output);
        AssertSameJson(BpftoolJson("map", "peek", "pinned", pin), await BpfChanJsonAsync("map", "peek", "pinned", pin, "-j"), "peek");
        Assert.Equal("11\n", (await BpfChanAsync("pop", pin, "--value", "u32")).Output);
        Assert.Equal("22\n", (await BpfChanAsync("pop", pin, "--value", "u32")).Output);
        Assert.Equal(ExitCodes.NotFound, (await BpfChanAsync("pop", pin)).Exit);
    }

    [Fact]
    public async Task PinUnpin_ThenMissing_ReportsNotFound()
    {
        using BpfMap<uint, uint> map = BpfMap.CreateHash<uint, uint>(4, name: "chan_pin");
        string pin = _pins["by_tool"];
        Assert.Equal(ExitCodes.Success, (await BpfChanAsync("map", "pin", "id", map.Map.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), pin)).Exit);
        using (BpfMap reopened = BpfMap.OpenPinned(pin))
        {
            Assert.Equal(map.Map.Id, reopened.Id);
        }

        Assert.Equal(ExitCodes.Success, (await BpfChanAsync("unpin", pin)).Exit);
        Assert.Equal(ExitCodes.NotFound, (await BpfChanAsync("dump", pin)).Exit);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("dump", "--help")]
    [InlineData("map", "dump", "-h")]
    [InlineData("watch", "--help")]
    public async Task Help_AnyCommand_PrintsUsageAndSucceeds(params string[] args)
    {
        (int exit, string output, string error) = await BpfChanAsync(args);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Usage:", output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Version_Prints_VersionAndSucceeds()
    {
        (int exit, string output, _) = await BpfChanAsync("--version");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Fact]
    public async Task Suggest_PartialCommand_CompletesFromTheCommandTree()
    {
        (int exit, string output, _) = await BpfChanAsync("[suggest:6]", "map du");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("dump", output.Split('\n'));
        (_, string script, _) = await BpfChanAsync("completion", "bash");
        Assert.Contains("[suggest:", script);
    }

    [Fact]
    public async Task Watch_PerCpuMap_ReportsChangeOnOneCpuWithEveryCpu()
    {
        using var map = new BpfPerCpuMap<uint, ulong>(BpfMap.Create(new BpfMapSpec { Type = BpfMapType.PerCpuHash, KeySize = 4, ValueSize = 8, MaxEntries = 4, Name = "chan_pcpu_w" }));
        ulong[] values = new ulong[BpfSystem.PossibleCpuCount];
        values[0] = 100;
        map.Update(1, values);
        var output = new StringWriter();
        TextWriter synchronized = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<int> watch = BpfChanCli.RunAsync(["watch", $"id:{map.Map.Id}", "--key", "u32", "--value", "u64", "--interval", "20", "--count", "1"], synchronized, TextWriter.Null, cancel.Token);
        await WaitForAsync(output, "Added", cancel.Token);

        values[^1] = 23; // only the last CPU changes
        map.Update(1, values);
        Assert.Equal(ExitCodes.Success, await watch);
        string updated = Snapshot(output).Split('\n').Single(l => l.StartsWith("Updated", StringComparison.Ordinal));
        string now = string.Join(", ", values.Select((v, cpu) => $"cpu{cpu} {v}"));
        string before = string.Join(", ", values.Select((v, cpu) => $"cpu{cpu} {(cpu == values.Length - 1 ? 0 : v)}"));
        Assert.Equal($"Updated 1: {now} (was {before})", updated);
    }

    [Fact]
    public async Task Watch_JsonLines_AddedUpdatedRemovedWithFilter()
    {
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, name: "chan_watch");
        map.Update(1, 1);
        map.Update(2, 2);
        map.Update(30, 30);
        var output = new StringWriter();
        TextWriter synchronized = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<int> watch = BpfChanCli.RunAsync(["watch", $"id:{map.Map.Id}", "--key", "u32", "--value", "u64", "--interval", "20", "--count", "3", "--json", "--filter", "3"], synchronized, TextWriter.Null, cancel.Token);
        await WaitForAsync(output, "Added", cancel.Token);

        // Two polls' worth, so the watch sees key 3 come and go rather than nothing at all.
        map.Update(3, 3);
        map.Update(2, 20); // filtered out: neither "2" nor "20" contains "3"
        while (Snapshot(output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < 2)
        {
            await Task.Delay(10, cancel.Token);
        }

        map.Update(30, 300);
        map.Delete(3);
        Assert.Equal(ExitCodes.Success, await watch);
        var changes = Snapshot(output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.All(changes, c => Assert.NotEqual(2u, c["formatted"]!["key"]!.GetValue<uint>()));
        Assert.Contains(changes, c => c["change"]!.GetValue<string>() == "Added" && c["formatted"]!["key"]!.GetValue<uint>() == 30);
        Assert.Contains(changes, c => c["change"]!.GetValue<string>() == "Updated" && c["formatted"]!["value"]!.GetValue<ulong>() == 300 && c["formatted"]!["previous"]!.GetValue<ulong>() == 30);
        Assert.Contains(changes, c => c["change"]!.GetValue<string>() == "Removed" && c["formatted"]!["key"]!.GetValue<uint>() == 3 && c["key"]!.AsArray().Count == 4);
    }

    [Fact]
    public async Task Watch_JsonWriteFailsOnAChange_ReportsTheErrorAndExits()
    {
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(4, name: "chan_watch_fail");
        map.Update(1, 1);
        var output = new FailingWriter("\"Updated\"");
        var error = new StringWriter();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<int> watch = BpfChanCli.RunAsync(["watch", $"id:{map.Map.Id}", "--key", "u32", "--value", "u64", "--interval", "20", "--count", "5", "--json"], output, error, cancel.Token);
        await WaitForAsync(output, "Added", cancel.Token);

        map.Update(1, 2); // the next poll's change is the write that fails
        Assert.Equal(ExitCodes.KernelError, await watch);
        Assert.False(cancel.IsCancellationRequested, "the watch ran until the test gave up instead of reporting the failed write");
        Assert.Equal($"bpfchan: {FailingWriter.Message}", error.ToString().Trim());
        Assert.DoesNotContain("Updated", Snapshot(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_RingBufferWithBtfType_FormattedRecord()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.OpenResource(typeof(BpfChanTests).Assembly, "tool_maps.bpf.o");
        obj.Load();
        long context = 0;
        Assert.Equal(0u, obj.GetProgram("emit").TestRun(ref context));
        Assert.Equal(0u, obj.GetProgram("emit").TestRun(ref context));
        string objectFile = Path.Combine(Path.GetTempPath(), $"tool_maps_{Guid.NewGuid():N}.bpf.o");
        using (Stream resource = typeof(BpfChanTests).Assembly.GetManifestResourceStream("tool_maps.bpf.o")!)
        using (FileStream file = File.Create(objectFile))
        {
            resource.CopyTo(file);
        }

        try
        {
            string id = obj.GetMap("events").Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            (int exit, string output, string error) = await BpfChanAsync("events", id, "--count", "2", "--btf", objectFile, "--type", "struct event", "-j");
            Assert.True(exit == 0, error);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            JsonNode record = JsonNode.Parse(lines[0])!;
            Assert.Equal(12, record["size"]!.GetValue<int>());
            Assert.Equal(42u, record["formatted"]!["pid"]!.GetValue<uint>());
            Assert.Equal("bpfchan", record["formatted"]!["comm"]!.GetValue<string>());

            // Without --btf: the BTF of the loaded program that uses the ring buffer.
            Assert.Equal(0u, obj.GetProgram("emit").TestRun(ref context));
            (exit, output, error) = await BpfChanAsync("events", id, "--count", "1", "--type", "event");
            Assert.True(exit == 0, error);
            Assert.Equal("{\"pid\":42,\"comm\":\"bpfchan\"}\n", output);
        }
        finally
        {
            File.Delete(objectFile);
        }
    }

    private static async Task WaitForAsync(StringWriter output, string text, CancellationToken cancellationToken)
    {
        while (!Snapshot(output).Contains(text, StringComparison.Ordinal))
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    private static string Snapshot(StringWriter writer)
    {
        lock (writer)
        {
            return writer.ToString();
        }
    }

    /// <summary>Standard output that fails, as a full disk does, on the first write containing a marker.</summary>
    private sealed class FailingWriter(string marker) : StringWriter
    {
        public const string Message = "No space left on device";

        public override void Write(string? value)
        {
            lock (this)
            {
                if (value is not null && value.Contains(marker, StringComparison.Ordinal))
                {
                    throw new IOException(Message);
                }

                base.Write(value);
            }
        }
    }
}
