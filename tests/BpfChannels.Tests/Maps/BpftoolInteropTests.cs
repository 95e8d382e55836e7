using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Maps;

/// <summary>bpftool and BpfChannels see the same maps with the same contents, both ways.</summary>
public sealed class BpftoolInteropTests : IDisposable
{
    private readonly string _directory;
    private readonly string _bpftool;

    public BpftoolInteropTests()
    {
        BpfTestEnvironment.RequireBpfFs();
        _bpftool = BpfTestEnvironment.RequireTool("bpftool");
        _directory = Path.Combine(BpfSystem.DefaultBpfFsPath, "bpfchannels_tool_" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Bpftool_ReadsMapPinnedByBpfChannels()
    {
        string path = Path.Combine(_directory, "ours");
        using BpfMap<uint, ulong> map = BpfMap.CreateHash<uint, ulong>(16, name: "ours");
        var expected = new Dictionary<uint, ulong> { [1] = 10, [2] = 0x1122334455667788, [300] = 3 };
        foreach ((uint key, ulong value) in expected)
        {
            map.Update(key, value);
        }

        map.Map.Pin(path);
        Assert.Equal(expected, DumpWithBpftool(path));
        string show = BpfTestEnvironment.Run(_bpftool, "-j", "map", "show", "pinned", path);
        using JsonDocument info = JsonDocument.Parse(show);
        Assert.Equal((int)map.Map.Id, info.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("ours", info.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void BpfChannels_ReadsMapCreatedAndPinnedByBpftool()
    {
        string path = Path.Combine(_directory, "theirs");
        _ = BpfTestEnvironment.Run(_bpftool, "map", "create", path, "type", "hash", "key", "4", "value", "8", "entries", "16", "name", "theirs");
        _ = BpfTestEnvironment.Run(_bpftool, "map", "update", "pinned", path, "key", "7", "0", "0", "0", "value", "42", "0", "0", "0", "0", "0", "0", "1");
        _ = BpfTestEnvironment.Run(_bpftool, "map", "update", "pinned", path, "key", "8", "0", "0", "0", "value", "1", "2", "3", "4", "5", "6", "7", "8");
        using BpfMap opened = BpfMap.OpenPinned(path);
        var typed = opened.As<uint, ulong>();
        var ours = typed.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(DumpWithBpftool(path), ours);
        Assert.Equal(0x010000000000002AUL, ours[7]);
        Assert.Equal("theirs", opened.Name);
    }

    private Dictionary<uint, ulong> DumpWithBpftool(string path)
    {
        using JsonDocument dump = JsonDocument.Parse(BpfTestEnvironment.Run(_bpftool, "-j", "map", "dump", "pinned", path));
        var result = new Dictionary<uint, ulong>();
        foreach (JsonElement entry in dump.RootElement.EnumerateArray())
        {
            result.Add(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(entry.GetProperty("key"))), BinaryPrimitives.ReadUInt64LittleEndian(Bytes(entry.GetProperty("value"))));
        }

        return result;
    }

    private static byte[] Bytes(JsonElement hexArray) =>
        hexArray.EnumerateArray().Select(e => byte.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
}
