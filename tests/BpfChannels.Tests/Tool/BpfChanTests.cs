using System.Text.Json;
using BpfChannels.Tests.Support;
using BpfChannels.Tool;

namespace BpfChannels.Tests.Tool;

/// <summary>bpfchan against maps created by BpfChannels and by bpftool, run in-process.</summary>
public sealed class BpfChanTests : IDisposable
{
    private readonly string _directory;

    public BpfChanTests()
    {
        BpfTestEnvironment.RequireBpfFs();
        _directory = Path.Combine(BpfSystem.DefaultBpfFsPath, "bpfchan_" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Maps_ListsPinnedMapWithPath_TextAndJson()
    {
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, name: "chan_list");
        string pin = Path.Combine(_directory, "listed");
        map.Map.Pin(pin);
        (int exit, string output, _) = await RunAsync("maps");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"{map.Map.Id}: Hash  name chan_list  key 4B  value 8B  max_entries 16", output);
        Assert.Contains($"pinned {pin}", output);

        (exit, output, _) = await RunAsync("maps", "--json");
        Assert.Equal(ExitCodes.Success, exit);
        JsonElement ours = JsonLines(output).Single(e => e.GetProperty("id").GetUInt32() == map.Map.Id);
        Assert.Equal("chan_list", ours.GetProperty("name").GetString());
        Assert.Equal(pin, ours.GetProperty("pinned").GetString());
        Assert.Equal(16, ours.GetProperty("max_entries").GetInt32());
    }

    [Fact]
    public async Task Dump_BpfChannelsMap_TypedTextAndJson()
    {
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, name: "chan_dump");
        map.Update(1, 10);
        map.Update(2, 20);
        (int exit, string output, _) = await RunAsync("dump", $"id:{map.Map.Id}", "--key", "u32", "--value", "u64");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("1: 10", output);
        Assert.Contains("2: 20", output);
        Assert.Contains("2 entries", output);

        (exit, output, _) = await RunAsync("dump", map.Map.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--key", "u32", "--value", "u64", "--json");
        Assert.Equal(ExitCodes.Success, exit);
        var entries = JsonLines(output).ToDictionary(e => e.GetProperty("key").GetUInt32(), e => e.GetProperty("value").GetUInt64());
        Assert.Equal(new Dictionary<uint, ulong> { [1] = 10, [2] = 20 }, entries);
    }

    [Fact]
    public async Task Dump_MapWithBtf_FormatsByType()
    {
        var builder = new BpfBtfBuilder();
        uint key = builder.AddInt("int", 4, signed: true);
        uint value = builder.AddInt("long long", 8, signed: true);
        using BpfBtf btf = BpfBtf.Load(builder.Build());
        using BpfMap map = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 4, Name = "chan_btf", Btf = btf.Handle, BtfKeyTypeId = key, BtfValueTypeId = value });
        map.As<int, long>().Update(-3, -300);
        (int exit, string output, _) = await RunAsync("dump", "name:chan_btf", "--json");
        Assert.Equal(ExitCodes.Success, exit);
        JsonElement entry = JsonLines(output).Single();
        Assert.Equal(-3, entry.GetProperty("key").GetInt32());
        Assert.Equal(-300, entry.GetProperty("value").GetInt64());

        // Keys parse by the BTF type too.
        (exit, _, _) = await RunAsync("update", "chan_btf", "-4", "-400");
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(-400, map.As<int, long>()[-4]);
    }

    [Fact]
    public async Task DumpAndUpdate_BpftoolCreatedMap_SameContents()
    {
        string bpftool = BpfTestEnvironment.RequireTool("bpftool");
        string pin = Path.Combine(_directory, "tool_made");
        BpfTestEnvironment.Run(bpftool, "map", "create", pin, "type", "hash", "key", "4", "value", "4", "entries", "8", "name", "tool_made");
        BpfTestEnvironment.Run(bpftool, "map", "update", "pinned", pin, "key", "5", "0", "0", "0", "value", "6", "0", "0", "0");

        (int exit, string output, _) = await RunAsync("update", pin, "7", "8", "--key", "u32", "--value", "u32", "--noexist");
        Assert.Equal(ExitCodes.Success, exit);
        (exit, output, _) = await RunAsync("update", pin, "7", "9", "--key", "u32", "--value", "u32", "--noexist");
        Assert.Equal(ExitCodes.ConditionFailed, exit);
        Assert.Contains("EEXIST", output);
        (exit, _, _) = await RunAsync("update", pin, "70", "9", "--key", "u32", "--value", "u32", "--exist");
        Assert.Equal(ExitCodes.ConditionFailed, exit);

        (exit, output, _) = await RunAsync("dump", pin, "--key", "u32", "--value", "u32", "--json");
        Assert.Equal(ExitCodes.Success, exit);
        var ours = JsonLines(output).ToDictionary(e => e.GetProperty("key").GetUInt32(), e => e.GetProperty("value").GetUInt32());
        Assert.Equal(new Dictionary<uint, uint> { [5] = 6, [7] = 8 }, ours);

        using JsonDocument theirs = JsonDocument.Parse(BpfTestEnvironment.Run(bpftool, "-j", "map", "dump", "pinned", pin));
        Assert.Equal(2, theirs.RootElement.GetArrayLength());

        (exit, _, _) = await RunAsync("delete", pin, "5", "--key", "u32");
        Assert.Equal(ExitCodes.Success, exit);
        (exit, _, string error) = await RunAsync("delete", pin, "5", "--key", "u32");
        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Contains("ENOENT", error);
    }

    [Fact]
    public async Task PinUnpin_ThenMissing_ReportsNotFound()
    {
        using BpfMap<uint, uint> map = BpfMap.CreateHash<uint, uint>(4, name: "chan_pin");
        string pin = Path.Combine(_directory, "by_tool");
        (int exit, _, _) = await RunAsync("pin", $"id:{map.Map.Id}", pin);
        Assert.Equal(ExitCodes.Success, exit);
        using (BpfMap reopened = BpfMap.OpenPinned(pin))
        {
            Assert.Equal(map.Map.Id, reopened.Id);
        }

        (exit, _, _) = await RunAsync("unpin", pin);
        Assert.Equal(ExitCodes.Success, exit);
        (exit, _, _) = await RunAsync("dump", pin);
        Assert.Equal(ExitCodes.NotFound, exit);
        (exit, _, _) = await RunAsync("dump", "name:no_such_map_x");
        Assert.Equal(ExitCodes.NotFound, exit);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("dump")]
    [InlineData("update", "1", "2")]
    [InlineData("dump", "1", "--key", "u33")]
    public async Task BadCommandLine_ExitsWithUsage(params string[] args)
    {
        (int exit, _, string error) = await RunAsync(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("usage: bpfchan", error);
    }

    [Fact]
    public async Task MapsAndWatch_BpftoolCreatedMap_ListedAndChangesReported()
    {
        string bpftool = BpfTestEnvironment.RequireTool("bpftool");
        string pin = Path.Combine(_directory, "tool_watch");
        BpfTestEnvironment.Run(bpftool, "map", "create", pin, "type", "hash", "key", "4", "value", "8", "entries", "8", "name", "tool_watch");
        BpfTestEnvironment.Run(bpftool, "map", "update", "pinned", pin, "key", "1", "0", "0", "0", "value", "1", "0", "0", "0", "0", "0", "0", "0");
        using BpfMap theirs = BpfMap.OpenPinned(pin);

        (int exit, string listing, _) = await RunAsync("maps", "--json");
        Assert.Equal(ExitCodes.Success, exit);
        JsonElement listed = JsonLines(listing).Single(e => e.GetProperty("id").GetUInt32() == theirs.Id);
        Assert.Equal("tool_watch", listed.GetProperty("name").GetString());
        Assert.Equal(pin, listed.GetProperty("pinned").GetString());

        var output = new StringWriter();
        TextWriter synchronized = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<int> watch = BpfChanCli.RunAsync(["watch", pin, "--key", "u32", "--value", "u64", "--interval", "20", "--count", "2", "--json"], synchronized, TextWriter.Null, cancel.Token);
        await WaitForLinesAsync(output, 1, cancel.Token); // the listing of key 1: the first read is done

        // bpftool writes; bpfchan sees it, then bpftool deletes.
        BpfTestEnvironment.Run(bpftool, "map", "update", "pinned", pin, "key", "9", "0", "0", "0", "value", "7", "0", "0", "0", "0", "0", "0", "0");
        await WaitForLinesAsync(output, 2, cancel.Token);

        BpfTestEnvironment.Run(bpftool, "map", "delete", "pinned", pin, "key", "9", "0", "0", "0");
        Assert.Equal(ExitCodes.Success, await watch);
        var changes = JsonLines(Snapshot(output)).ToList();
        Assert.Contains(changes, c => c.GetProperty("change").GetString() == "Added" && c.GetProperty("key").GetUInt32() == 9 && c.GetProperty("value").GetUInt64() == 7);
        Assert.Contains(changes, c => c.GetProperty("change").GetString() == "Removed" && c.GetProperty("key").GetUInt32() == 9 && c.GetProperty("previous").GetUInt64() == 7);
    }

    [Fact]
    public async Task Watch_ReportsAddedUpdatedRemoved()
    {
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, name: "chan_watch");
        map.Update(1, 1);
        map.Update(2, 2);
        var output = new StringWriter();
        TextWriter synchronized = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<int> watch = BpfChanCli.RunAsync(["watch", $"id:{map.Map.Id}", "--key", "u32", "--value", "u64", "--interval", "20", "--count", "3", "--json"], synchronized, TextWriter.Null, cancel.Token);
        await WaitForLinesAsync(output, 2, cancel.Token);

        map.Update(3, 3);
        map.Update(1, 100);
        map.Delete(2);
        Assert.Equal(ExitCodes.Success, await watch);
        var changes = JsonLines(Snapshot(output)).Skip(2).ToList();
        Assert.Contains(changes, c => c.GetProperty("change").GetString() == "Added" && c.GetProperty("key").GetUInt32() == 3);
        Assert.Contains(changes, c => c.GetProperty("change").GetString() == "Updated" && c.GetProperty("value").GetUInt64() == 100 && c.GetProperty("previous").GetUInt64() == 1);
        Assert.Contains(changes, c => c.GetProperty("change").GetString() == "Removed" && c.GetProperty("key").GetUInt32() == 2 && c.GetProperty("previous").GetUInt64() == 2);
    }

    private static async Task WaitForLinesAsync(StringWriter output, int lines, CancellationToken cancellationToken)
    {
        while (JsonLines(Snapshot(output)).Count() < lines)
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

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await BpfChanCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private static IEnumerable<JsonElement> JsonLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone());
}
