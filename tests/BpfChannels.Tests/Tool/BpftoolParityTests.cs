using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using BpfChannels.Tests.Support;
using BpfChannels.Tool;
using static BpfChannels.Tests.Tool.ToolRunner;

namespace BpfChannels.Tests.Tool;

/// <summary>
/// For every map type bpftool can create, bpfchan's map dump -j, map show -j and map lookup -j parse to the same
/// JSON as bpftool's on the same map (per-CPU values with a different value on each CPU included).
/// </summary>
public sealed class BpftoolParityTests : IDisposable
{
    private readonly PinDirectory _pins = new();

    public void Dispose() => _pins.Dispose();

    [Theory]
    [InlineData("hash", 4, 8)]
    [InlineData("array", 4, 12)]
    [InlineData("hash", 16, 3)]
    public async Task MapDumpJson_MapWithoutBtf_ByteIdenticalToBpftool(string type, int keySize, int valueSize)
    {
        // Compact JSON of plain bytes is formatted by hand, not by the JSON writer: it must be bpftool's, byte for byte.
        string pin = _pins[$"bytes_{type}_{keySize}"];
        Bpftool("map", "create", pin, "type", type, "key", Num(keySize), "value", Num(valueSize), "entries", "64", "name", "bytes_" + type);
        using (BpfMap map = BpfMap.OpenPinned(pin))
        {
            byte[] key = new byte[keySize];
            byte[] value = new byte[valueSize];
            for (int i = 0; i < 40; i++)
            {
                key[0] = (byte)i;
                if (type != "array")
                {
                    key[keySize - 1] = (byte)(255 - i); // hash keys use every byte; an array's is an index below 64
                }

                Array.Fill(value, (byte)(i * 7));
                map.Update(key, value);
            }
        }

        string expected = BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("bpftool"), "-j", "map", "dump", "pinned", pin);
        (int exit, string output, string error) = await BpfChanAsync("-j", "map", "dump", "pinned", pin);
        Assert.True(exit == ExitCodes.Success, error);
        Assert.Equal(expected, output);
    }

    public static TheoryData<string, int, int, int, int> Types => new()
    {
        { "hash", 4, 8, 8, 0 },
        { "hash", 4, 8, 8, 1 },
        { "array", 4, 8, 4, 0 },
        { "array", 4, 8, 4, 1024 },
        { "prog_array", 4, 4, 4, 0 },
        { "perf_event_array", 4, 4, 2, 0 },
        { "percpu_hash", 4, 8, 8, 0 },
        { "percpu_array", 4, 12, 4, 0 },
        { "stack_trace", 4, 64, 4, 0 },
        { "cgroup_array", 4, 4, 4, 0 },
        { "lru_hash", 4, 8, 8, 0 },
        { "lru_percpu_hash", 4, 8, 8, 2 },
        { "lpm_trie", 8, 8, 8, 1 },
        { "devmap", 4, 4, 4, 0 },
        { "sockmap", 4, 4, 4, 0 },
        { "cpumap", 4, 4, 4, 0 },
        { "xskmap", 4, 4, 4, 0 },
        { "sockhash", 4, 4, 4, 0 },
        { "reuseport_sockarray", 4, 8, 4, 0 },
        { "devmap_hash", 4, 4, 4, 0 },
        { "queue", 0, 8, 8, 0 },
        { "stack", 0, 8, 8, 0 },
        { "ringbuf", 0, 0, 4096, 0 },
        { "user_ringbuf", 0, 0, 4096, 0 },
        { "bloom_filter", 0, 8, 8, 0 },
        { "cgroup_storage", 8, 8, 0, 0 }, // storage for the program attached to a cgroup: empty until then
        { "percpu_cgroup_storage", 8, 8, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public async Task DumpShowLookup_BpftoolCreatedMap_SameJsonAsBpftool(string type, int keySize, int valueSize, int entries, int flags)
    {
        string pin = _pins[type];
        Bpftool("map", "create", pin, "type", type, "key", Num(keySize), "value", Num(valueSize), "entries", Num(entries), "name", "par_" + type[..Math.Min(type.Length, 10)], "flags", Num(flags));
        byte[]? key = Populate(pin, type, keySize, valueSize);

        AssertSameJson(BpftoolJson("map", "show", "pinned", pin), await BpfChanJsonAsync("map", "show", "pinned", pin, "-j"), $"map show of {type}");
        using (BpfMap opened = BpfMap.OpenPinned(pin))
        {
            string id = Num((int)opened.Id);
            AssertSameJson(BpftoolJson("map", "show", "id", id), await BpfChanJsonAsync("-j", "map", "show", "id", id), $"map show id of {type}");
        }

        if (type is "queue" or "stack")
        {
            AssertSameJson(BpftoolJson("map", "peek", "pinned", pin), await BpfChanJsonAsync("map", "peek", "pinned", pin, "--json"), $"map peek of {type}");

            // bpftool's lookup without a key peeks; the text is bpftool's too.
            AssertSameJson(BpftoolJson("map", "lookup", "pinned", pin), await BpfChanJsonAsync("map", "lookup", "pinned", pin, "-j"), $"map lookup of {type}");
            string bpftoolText = BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("bpftool"), "map", "peek", "pinned", pin);
            Assert.Equal(bpftoolText, (await BpfChanAsync("map", "peek", "pinned", pin)).Output);
            Assert.Equal(bpftoolText, (await BpfChanAsync("map", "lookup", "pinned", pin)).Output);
            return;
        }

        if (type is "ringbuf" or "user_ringbuf" or "bloom_filter")
        {
            // bpftool prints [] and fails; bpfchan says why the type cannot be listed.
            (int exit, string output, string error) = await BpfChanAsync("map", "dump", "pinned", pin, "-j");
            Assert.Equal(BpfChannels.Tool.ExitCodes.Usage, exit);
            Assert.Empty(output);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
            Assert.Contains(type, error);
            return;
        }

        AssertSameJson(BpftoolJson("map", "dump", "pinned", pin), await BpfChanJsonAsync("map", "dump", "pinned", pin, "-j"), $"map dump of {type}");
        if (key is not null)
        {
            string[] keyWords = [.. key.Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture))];
            AssertSameJson(BpftoolJson(["map", "lookup", "pinned", pin, "key", .. keyWords]), await BpfChanJsonAsync(["-j", "map", "lookup", "pinned", pin, "key", .. keyWords]), $"map lookup of {type}");
            AssertSameJson(BpftoolJson(["map", "lookup", "pinned", pin, "key", "hex", .. keyWords.Select(w => w[2..])]), await BpfChanJsonAsync(["map", "lookup", "pinned", pin, "key", "hex", .. keyWords.Select(w => w[2..]), "-j"]), $"map lookup hex of {type}");
        }
    }

    [Fact]
    public async Task Dump_MapsOfMaps_InnerIdsAsBpftoolShowsThem()
    {
        string inner = _pins["inner"];
        Bpftool("map", "create", inner, "type", "array", "key", "4", "value", "4", "entries", "2", "name", "par_inner");
        foreach (string type in new[] { "array_of_maps", "hash_of_maps" })
        {
            string outer = _pins[type];
            Bpftool("map", "create", outer, "type", type, "key", "4", "value", "4", "entries", "4", "name", "par_outer", "inner_map", "pinned", inner);
            (int exit, _, string error) = await BpfChanAsync("map", "update", "pinned", outer, "key", "1", "0", "0", "0", "value", "pinned", inner);
            Assert.True(exit == 0, error);
            AssertSameJson(BpftoolJson("map", "dump", "pinned", outer), await BpfChanJsonAsync("-j", "map", "dump", "pinned", outer), $"dump of {type}");

            // The short form adds the inner map's id beside bpftool's fields.
            JsonNode? entry = (await BpfChanJsonAsync("dump", outer, "-j"))![0];
            using BpfMap innerMap = BpfMap.OpenPinned(inner);
            Assert.Equal(innerMap.Id, entry!["inner_map_id"]!.GetValue<uint>());
            (_, string text, _) = await BpfChanAsync("dump", outer);
            Assert.Contains($"inner map id {innerMap.Id}", text);
        }
    }

    private static byte[]? Populate(string pin, string type, int keySize, int valueSize)
    {
        switch (type)
        {
            case "hash" or "lru_hash" or "array":
                Bpftool("map", "update", "pinned", pin, "key", "3", "0", "0", "0", "value", "0x2a", "0", "0", "0", "0", "0", "0", "0x80");
                return [3, 0, 0, 0];
            case "lpm_trie":
                Bpftool("map", "update", "pinned", pin, "key", "24", "0", "0", "0", "10", "1", "2", "0", "value", "7", "0", "0", "0", "0", "0", "0", "0");
                return [24, 0, 0, 0, 10, 1, 2, 0];
            case "percpu_hash" or "percpu_array" or "lru_percpu_hash":
                // A different value on every CPU, so a tool that shows only one CPU's value fails.
                using (BpfMap map = BpfMap.OpenPinned(pin))
                {
                    byte[] key = [1, 0, 0, 0];
                    byte[] values = new byte[map.ValueBufferSize];
                    int stride = BpfMap.PerCpuStride(valueSize);
                    for (int cpu = 0; cpu < BpfSystem.PossibleCpuCount; cpu++)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(values.AsSpan(cpu * stride), (uint)(100 + (cpu * 23)));
                        values[(cpu * stride) + valueSize - 1] = (byte)(cpu + 1);
                    }

                    map.Update(key, values);
                    return key;
                }

            case "queue" or "stack":
                Bpftool("map", "push", "pinned", pin, "value", "1", "2", "3", "4", "5", "6", "7", "8");
                Bpftool("map", "push", "pinned", pin, "value", "9", "0", "0", "0", "0", "0", "0", "0");
                return null;
            default:
                return null;
        }
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
