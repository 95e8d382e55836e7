using System.Globalization;
using BpfChannels.Tests.Support;
using BpfChannels.Tool;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>Every malformed command line gets its documented exit code and exactly one line on stderr, no exception text.</summary>
public sealed class MalformedInputTests
{
    public static TheoryData<string[], int, string> Cases => new()
    {
        { ["frobnicate"], ExitCodes.Usage, "Unknown command or argument 'frobnicate'" },
        { ["map", "dum", "{hash}"], ExitCodes.Usage, "Did you mean 'dump'?" },
        { ["dump"], ExitCodes.Usage, "Expected a map" },
        { ["map", "dump", "id", "abc"], ExitCodes.Usage, "'abc' is not a map id" },
        { ["map", "dump", "id"], ExitCodes.Usage, "Expected a map id after 'id'" },
        { ["dump", "id:4000000000"], ExitCodes.NotFound, "No map has id 4000000000" },
        { ["dump", "/sys/fs/bpf/bpfchan_nothing_here"], ExitCodes.NotFound, "Nothing is pinned at /sys/fs/bpf/bpfchan_nothing_here" },
        { ["dump", "name:bpfchan_none"], ExitCodes.NotFound, "No map is named 'bpfchan_none'" },
        { ["dump", "name:a_name_longer_than_15"], ExitCodes.Usage, "cannot be a map name" },
        { ["dump", "{hash}", "--key", "u33"], ExitCodes.Usage, "Unknown type 'u33'" },
        { ["dump", "{hash}", "--key", "u16"], ExitCodes.Usage, "The map's keys are 4 bytes; type u16 is 2" },
        { ["update", "{hash}", "1", "2", "--any", "--noexist"], ExitCodes.Usage, "Give one update flag, not both any and noexist" },
        { ["map", "update", "id", "{hashid}", "key", "1", "0", "value", "1", "0", "0", "0", "0", "0", "0", "0"], ExitCodes.Usage, "The key is 4 bytes" },
        { ["update", "{hash}", "zz", "1"], ExitCodes.Usage, "choose another with --key TYPE" },
        { ["map", "lookup", "id", "{hashid}", "key", "hex", "zz", "0", "0", "0"], ExitCodes.Usage, "'zz' in the key is not a hex byte" },
        { ["update", "{hash}", "1", "2", "--nonexist"], ExitCodes.Usage, "Did you mean '--noexist'?" },
        { ["map", "update", "id", "{hashid}", "key", "1", "key", "2"], ExitCodes.Usage, "'key' given twice" },
        { ["update", "{hash}", "1", "2", "noexits"], ExitCodes.Usage, "Did you mean 'noexist'?" },
        { ["update", "{hash}"], ExitCodes.Usage, "Expected a key" },
        { ["map", "update", "id", "{hashid}", "key", "1"], ExitCodes.Usage, "No value given" },
        { ["lookup", "{hash}", "99"], ExitCodes.NotFound, "Key 99 is not in map" },
        { ["delete", "{hash}", "99"], ExitCodes.NotFound, "Key 99 is not in map" },
        { ["update", "{hash}", "1", "5", "--noexist"], ExitCodes.ConditionFailed, "EEXIST" },
        { ["map", "update", "id", "{hashid}", "key", "50", "0", "0", "0", "value", "hex", "01", "00", "00", "00", "00", "00", "00", "00", "exist"], ExitCodes.ConditionFailed, "ENOENT" },
        { ["map", "freeze", "id", "{arrayid}"], ExitCodes.KernelError, "EPERM" },
        { ["update", "{array}", "0", "1"], ExitCodes.KernelError, "EPERM" },
        { ["pop", "{hash}"], ExitCodes.Usage, "push, pop and peek work on queue and stack maps" },
        { ["pop", "{queue}"], ExitCodes.NotFound, "queue 'bad_queue' is empty" },
        { ["push", "{queue}", "1", "noexist"], ExitCodes.Usage, "push takes 'exist'" },
        { ["dump", "{queue}"], ExitCodes.Usage, "queue map 'bad_queue' has no keys to walk" },
        { ["dump", "{hash}", "--sum"], ExitCodes.Usage, "--sum adds the CPUs' values of a per-CPU map" },
        { ["watch", "{hash}", "--interval", "0"], ExitCodes.Usage, "--interval needs a positive number" },
        { ["watch", "{hash}", "--interval", "abc"], ExitCodes.Usage, "abc" },
        { ["watch", "{queue}"], ExitCodes.Usage, "has no keys to walk" },
        { ["events", "{hash}"], ExitCodes.Usage, "events tails ring buffers" },
        { ["events", "{hash}", "--type", "event"], ExitCodes.Usage, "events tails ring buffers" },
        { ["completion", "fish"], ExitCodes.Usage, "fish" },
        { ["map", "show", "id", "{hashid}", "extra"], ExitCodes.Usage, "does not take 'extra'" },
        { ["pin", "{hash}", "/sys/fs/bpf/bpfchan_no_dir/x"], ExitCodes.Usage, "does not exist" },
        { ["unpin", "/sys/fs/bpf/bpfchan_nothing_here"], ExitCodes.NotFound, "Nothing is pinned" },
        { ["mpa", "show"], ExitCodes.Usage, "Did you mean 'map'?" },
        { ["map", "lsit"], ExitCodes.Usage, "Did you mean 'list'?" },
        { ["map"], ExitCodes.Usage, "(see 'bpfchan map --help')" },
        { ["dump", "{hash}", "--hlep"], ExitCodes.Usage, "Did you mean '--help'? (see 'bpfchan dump --help')" },
        { ["events", "{hash}", "--btf-id", "abc"], ExitCodes.Usage, "'abc' is not a valid value for --btf-id: it takes a whole number" },
        { ["watch", "{hash}", "--count", "many"], ExitCodes.Usage, "'many' is not a valid value for --count" },
        { ["map", "lookup", "id", "{queueid}"], ExitCodes.NotFound, "queue 'bad_queue' is empty" },
        { ["map", "lookup", "id", "{queueid}", "key", "1"], ExitCodes.Usage, "queue map 'bad_queue' has no keys: lookup without a key (or peek)" },
        { ["map", "dump", "pinned", "/sys/fs/bpf"], ExitCodes.NotFound, "/sys/fs/bpf is a directory, not a pin" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RunAsync_MalformedInput_DocumentedExitAndOneLine(string[] args, int exit, string message)
    {
        BpfTestEnvironment.RequireBpfFs();
        using BpfMap<uint, ulong> hash = BpfMap.CreateHash<uint, ulong>(8, name: "bad_hash");
        hash.Update(1, 10);
        using BpfMap<uint, ulong> array = BpfMap.CreateArray<ulong>(2, name: "bad_array");
        array.Map.Freeze();
        using BpfMap queue = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Queue, KeySize = 0, ValueSize = 8, MaxEntries = 4, Name = "bad_queue" });
        string Id(BpfMap map) => map.Id.ToString(CultureInfo.InvariantCulture);
        string[] line = [.. args.Select(a => a
            .Replace("{hashid}", Id(hash.Map), StringComparison.Ordinal).Replace("{hash}", "id:" + Id(hash.Map), StringComparison.Ordinal)
            .Replace("{arrayid}", Id(array.Map), StringComparison.Ordinal).Replace("{array}", "id:" + Id(array.Map), StringComparison.Ordinal)
            .Replace("{queueid}", Id(queue), StringComparison.Ordinal).Replace("{queue}", "id:" + Id(queue), StringComparison.Ordinal))];

        (int code, string output, string error) = await BpfChanAsync(line);

        Assert.True(code == exit, $"bpfchan {string.Join(' ', line)}: exit {code}, expected {exit}; stderr: {error}");
        Assert.Empty(output);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {error}");
        Assert.StartsWith("bpfchan: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.DoesNotContain("Exception", lines[0]);
        Assert.DoesNotContain("   at ", lines[0]);
        Assert.DoesNotContain("System.", lines[0]); // no .NET type names

    }
}
