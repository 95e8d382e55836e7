using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary><c>map show</c> / <c>maps</c>: what bpftool map show prints, in its text and JSON shapes.</summary>
internal static class MapShowCommand
{
    public static Task<int> Run(CommandContext context, CancellationToken cancellationToken) => Show(context, context.ShowPins);

    public static Task<int> RunWithPins(CommandContext context, CancellationToken cancellationToken) => Show(context, pins: true);

    private static Task<int> Show(CommandContext context, bool pins)
    {
        Dictionary<uint, List<string>>? pinTable = pins ? FindPins() : null;
        bool subset = !context.Words.AtEnd;
        List<BpfMap> maps = subset ? MapTarget.OpenAll(context.Words, BpfPinAccess.ReadOnly) : [];
        context.Words.ExpectEnd(context.Name);
        try
        {
            // bpftool: an array for the whole list or several matches, one object for one named map.
            bool array = !subset || maps.Count > 1;
            using JsonOutput? json = context.Json ? context.OpenJson() : null;
            if (array)
            {
                json?.Writer.WriteStartArray();
            }

            if (subset)
            {
                foreach (BpfMap map in maps)
                {
                    Write(context, json, map, pinTable);
                }
            }
            else
            {
                foreach (uint id in BpfMapInfo.GetAllIds())
                {
                    BpfMap map;
                    try
                    {
                        map = BpfMap.OpenById(id, BpfPinAccess.ReadOnly);
                    }
                    catch (BpfException e) when (e.Error == BpfError.NotFound)
                    {
                        continue; // gone between listing and opening
                    }

                    using (map)
                    {
                        Write(context, json, map, pinTable);
                    }
                }
            }

            if (array)
            {
                json?.Writer.WriteEndArray();
            }

            json?.Complete();
        }
        finally
        {
            foreach (BpfMap map in maps)
            {
                map.Dispose();
            }
        }

        return Task.FromResult(ExitCodes.Success);
    }

    private static void Write(CommandContext context, JsonOutput? output, BpfMap map, Dictionary<uint, List<string>>? pins)
    {
        // One fdinfo read gives frozen and memlock with the info; only a program array's owner needs another.
        BpfMapInfo info = map.GetInfo();
        List<string>? paths = pins is null || pins.Count == 0 ? null : pins.GetValueOrDefault(info.Id) ?? [];
        string? type = BpfMapTypeNames.GetName(info.Type);
        long? memlock = info.MemoryLockedBytes;
        long? owner = null, jited = null;
        if (info.Type == BpfMapType.ProgramArray)
        {
            BpfFdInfo fdinfo = BpfFdInfo.Read(map.Handle);
            owner = fdinfo.TryGetNumber("owner_prog_type", out long ownerType) ? ownerType : null;
            jited = fdinfo.TryGetNumber("owner_jited", out long ownerJited) ? ownerJited : null;
        }
        if (output is not null)
        {
            Utf8JsonWriter json = output.Writer;
            json.WriteStartObject();
            json.WriteNumber("id", info.Id);
            KernelNames.WriteType(json, "type", type, (uint)info.Type);
            if (info.Name.Length > 0)
            {
                json.WriteString("name", info.Name);
            }

            json.WriteNumber("flags", (int)info.Flags);
            if (context.Short)
            {
                json.WriteStartArray("flag_names");
                foreach (string flag in BpfMapTypeNames.GetFlagNames(info.Flags))
                {
                    json.WriteStringValue(flag);
                }

                json.WriteEndArray();
            }

            if (info.InterfaceIndex != 0)
            {
                json.WriteStartObject("dev");
                json.WriteNumber("ifindex", info.InterfaceIndex);
                json.WriteEndObject();
            }

            json.WriteNumber("bytes_key", info.KeySize);
            json.WriteNumber("bytes_value", info.ValueSize);
            json.WriteNumber("max_entries", info.MaxEntries);
            if (memlock is { } bytes)
            {
                json.WriteNumber("bytes_memlock", bytes);
            }

            if (owner is { } ownerType)
            {
                KernelNames.WriteType(json, "owner_prog_type", KernelNames.ProgramType(ownerType), ownerType);
            }

            if (jited is { } ownerJited)
            {
                json.WriteBoolean("owner_jited", ownerJited != 0);
            }

            json.WriteNumber("frozen", info.IsFrozen ? 1 : 0);
            if (info.BtfId != 0)
            {
                json.WriteNumber("btf_id", info.BtfId);
            }

            if (paths is not null)
            {
                json.WriteStartArray("pinned");
                foreach (string path in paths)
                {
                    json.WriteStringValue(path);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            output.FlushIfLarge();
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{info.Id}: {type ?? "type " + ((uint)info.Type).ToString(CultureInfo.InvariantCulture)}  ");
        if (info.Name.Length > 0)
        {
            text.Append("name ").Append(info.Name).Append("  ");
        }

        text.Append(CultureInfo.InvariantCulture, $"flags 0x{(uint)info.Flags:x}");
        if (info.Flags != BpfMapFlags.None)
        {
            text.Append(" (").Append(string.Join(" | ", BpfMapTypeNames.GetFlagNames(info.Flags))).Append(')');
        }

        text.Append(CultureInfo.InvariantCulture, $"\n\tkey {info.KeySize}B  value {info.ValueSize}B  max_entries {info.MaxEntries}");
        if (memlock is { } memory)
        {
            text.Append(CultureInfo.InvariantCulture, $"  memlock {memory}B");
        }

        if (owner is not null || jited is not null)
        {
            text.Append("\n\t");
            if (owner is { } ownerType)
            {
                text.Append("owner_prog_type ").Append(KernelNames.ProgramType(ownerType) ?? ownerType.ToString(CultureInfo.InvariantCulture)).Append("  ");
            }

            if (jited is { } ownerJited)
            {
                text.Append(ownerJited != 0 ? "owner jited" : "owner not jited");
            }
        }

        foreach (string path in paths ?? [])
        {
            text.Append("\n\tpinned ").Append(path);
        }

        if (info.BtfId != 0 || info.IsFrozen)
        {
            text.Append("\n\t");
            text.Append(info.BtfId != 0 ? $"btf_id {info.BtfId}" : string.Empty);
            text.Append(info.IsFrozen ? (info.BtfId != 0 ? "  frozen" : "frozen") : string.Empty);
        }

        context.Out.WriteLine(text.ToString());
    }

    /// <summary>Map id to every path it is pinned at under /sys/fs/bpf (bpftool -f).</summary>
    public static Dictionary<uint, List<string>> FindPins() => FindPins(path =>
    {
        using BpfMap map = BpfMap.OpenPinned(path, BpfPinAccess.ReadOnly);
        return map.Id;
    });

    /// <summary>Object id to every path it is pinned at under /sys/fs/bpf, for the objects <paramref name="idOf"/> can open.</summary>
    public static Dictionary<uint, List<string>> FindPins(Func<string, uint> idOf)
    {
        var pins = new Dictionary<uint, List<string>>();
        if (!BpfSystem.IsOnBpfFs(BpfSystem.DefaultBpfFsPath))
        {
            return pins;
        }

        var files = Directory.EnumerateFiles(BpfSystem.DefaultBpfFsPath, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
        foreach (string path in files)
        {
            try
            {
                uint id = idOf(path);
                if (!pins.TryGetValue(id, out List<string>? list))
                {
                    pins[id] = list = [];
                }

                list.Add(path);
            }
            catch (Exception e) when (e is BpfException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                // Another kind of object, or gone: not listed.
            }
        }

        return pins;
    }
}
