using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>The bpfchan command line: parses arguments, runs one command, returns an exit code from <see cref="ExitCodes"/>.</summary>
internal static partial class BpfChanCli
{
    public const string Usage = """
        usage: bpfchan <command> [arguments] [options]

        commands:
          maps                              every BPF map on the system (id, type, name, sizes, flags, pin path)
          dump <map>                        the map's entries
          watch <map>                       the entries, then Added / Updated / Removed lines as they change
          update <map> <key> <value>        write an element (--any, default; --noexist; --exist)
          delete <map> <key>                delete an element
          pin <map> <path>                  pin a map on bpffs
          unpin <path>                      remove a pin

        <map> is an id (42 or id:42), a pin path (/sys/fs/bpf/...), or a name (name:counters or counters).
        options:
          --key <type> --value <type>       u8 u16 u32 u64 i8 i16 i32 i64 ipv4 str hex (default: the map's BTF, else hex)
          --json                            JSON lines for pipelines
          --interval <ms>                   watch: poll interval (default 1000)
          --count <n>                       watch: stop after n changes

        exit codes: 0 success, 1 usage, 2 map/pin/key not found, 3 the kernel refused, 4 update condition failed
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            var options = Options.Parse(args);
            return options.Command switch
            {
                "maps" => ListMaps(options, stdout),
                "dump" => Dump(options, stdout),
                "watch" => await WatchAsync(options, stdout, cancellationToken).ConfigureAwait(false),
                "update" => Update(options, stdout),
                "delete" => Delete(options, stdout),
                "pin" => Pin(options, stdout),
                "unpin" => Unpin(options, stdout),
                "help" or "--help" or "-h" => Help(stdout),
                _ => throw new UsageException($"Unknown command '{options.Command}'."),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"bpfchan: {e.Message}\n\n{Usage}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (NotFoundException e)
        {
            await stderr.WriteLineAsync($"bpfchan: {e.Message}").ConfigureAwait(false);
            return ExitCodes.NotFound;
        }
        catch (BpfException e)
        {
            await stderr.WriteLineAsync($"bpfchan: {e.Message}").ConfigureAwait(false);
            return e.Error == BpfError.NotFound && e.Command is "BPF_OBJ_GET" or "BPF_MAP_GET_FD_BY_ID" ? ExitCodes.NotFound : ExitCodes.KernelError;
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"bpfchan: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine(Usage);
        return ExitCodes.Success;
    }

    private static int ListMaps(Options options, TextWriter stdout)
    {
        options.ExpectArguments(0);
        Dictionary<uint, string> pins = MapResolver.FindPins();
        foreach (BpfMapInfo info in BpfMapInfo.GetAll())
        {
            string? pin = pins.GetValueOrDefault(info.Id);
            if (options.Json)
            {
                stdout.WriteLine(JsonLine(json =>
                {
                    json.WriteNumber("id", info.Id);
                    json.WriteString("type", info.Type.ToString());
                    json.WriteString("name", info.Name);
                    json.WriteNumber("key_size", info.KeySize);
                    json.WriteNumber("value_size", info.ValueSize);
                    json.WriteNumber("max_entries", info.MaxEntries);
                    json.WriteNumber("flags", (uint)info.Flags);
                    json.WriteBoolean("frozen", info.IsFrozen);
                    if (info.BtfId != 0)
                    {
                        json.WriteNumber("btf_id", info.BtfId);
                    }

                    if (pin is not null)
                    {
                        json.WriteString("pinned", pin);
                    }
                }));
            }
            else
            {
                var line = new StringBuilder();
                line.Append(CultureInfo.InvariantCulture, $"{info.Id}: {info.Type}  name {(info.Name.Length == 0 ? "-" : info.Name)}  key {info.KeySize}B  value {info.ValueSize}B  max_entries {info.MaxEntries}  flags 0x{(uint)info.Flags:x}");
                if (info.IsFrozen)
                {
                    line.Append("  frozen");
                }

                if (pin is not null)
                {
                    line.Append("  pinned ").Append(pin);
                }

                stdout.WriteLine(line.ToString());
            }
        }

        return ExitCodes.Success;
    }

    private static int Dump(Options options, TextWriter stdout)
    {
        options.ExpectArguments(1);
        using BpfMap map = MapResolver.Open(options.Arguments[0], BpfPinAccess.ReadOnly);
        var format = new MapFormat(map.GetInfo(), options.KeyType, options.ValueType);
        BpfMapSnapshot snapshot = new(map.KeySize, map.ValueBufferSize);
        int count = map.ReadSnapshot(snapshot);
        for (int i = 0; i < count; i++)
        {
            stdout.WriteLine(EntryLine(options, format, null, snapshot.KeyAt(i), snapshot.ValueAt(i), default));
        }

        if (!options.Json)
        {
            stdout.WriteLine($"{count} entries");
        }

        return ExitCodes.Success;
    }

    private static int Update(Options options, TextWriter stdout)
    {
        options.ExpectArguments(3);
        using BpfMap map = MapResolver.Open(options.Arguments[0], BpfPinAccess.ReadWrite);
        var format = new MapFormat(map.GetInfo(), options.KeyType, options.ValueType);
        byte[] key = format.ParseKey(options.Arguments[1]);
        byte[] value = format.ParseValue(options.Arguments[2]);
        if (map.IsPerCpu)
        {
            throw new UsageException($"Map '{map.Name}' is per-CPU; updating one value per CPU from the command line is not supported.");
        }

        if (!map.TryUpdate(key, value, options.UpdateFlags))
        {
            string reason = options.UpdateFlags == BpfMapUpdateFlags.NoExist ? "EEXIST: the key already exists (--noexist)" : "ENOENT: the key does not exist (--exist)";
            stdout.WriteLine($"not updated: {reason}");
            return ExitCodes.ConditionFailed;
        }

        stdout.WriteLine("updated");
        return ExitCodes.Success;
    }

    private static int Delete(Options options, TextWriter stdout)
    {
        options.ExpectArguments(2);
        using BpfMap map = MapResolver.Open(options.Arguments[0], BpfPinAccess.ReadWrite);
        var format = new MapFormat(map.GetInfo(), options.KeyType, null);
        if (!map.TryDelete(format.ParseKey(options.Arguments[1])))
        {
            throw new NotFoundException($"Key {options.Arguments[1]} is not in map '{map.Name}' (ENOENT).");
        }

        stdout.WriteLine("deleted");
        return ExitCodes.Success;
    }

    private static int Pin(Options options, TextWriter stdout)
    {
        options.ExpectArguments(2);
        using BpfMap map = MapResolver.Open(options.Arguments[0], BpfPinAccess.ReadWrite);
        map.Pin(options.Arguments[1]);
        stdout.WriteLine($"pinned {map.Id} at {options.Arguments[1]}");
        return ExitCodes.Success;
    }

    private static int Unpin(Options options, TextWriter stdout)
    {
        options.ExpectArguments(1);
        if (!BpfMap.Unpin(options.Arguments[0]))
        {
            throw new NotFoundException($"Nothing is pinned at {options.Arguments[0]}.");
        }

        stdout.WriteLine($"unpinned {options.Arguments[0]}");
        return ExitCodes.Success;
    }

    /// <summary>One entry as text ("key: value") or a JSON line; <paramref name="kind"/> names a change for watch.</summary>
    internal static string EntryLine(Options options, MapFormat format, string? kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        if (!options.Json)
        {
            string text = $"{format.FormatKey(key)}: {(value.IsEmpty ? "-" : format.FormatValue(value))}";
            if (!previous.IsEmpty)
            {
                text += $" (was {format.FormatValue(previous)})";
            }

            return kind is null ? text : $"{kind} {text}";
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (kind is not null)
            {
                json.WriteString("change", kind);
            }

            format.WriteKey(json, key);
            if (!value.IsEmpty)
            {
                format.WriteValue(json, "value", value);
            }

            if (!previous.IsEmpty)
            {
                format.WriteValue(json, "previous", previous);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string JsonLine(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
