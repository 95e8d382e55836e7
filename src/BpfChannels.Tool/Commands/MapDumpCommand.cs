using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary><c>map dump</c> / <c>dump</c>: every entry, in bpftool's text and JSON shapes.</summary>
internal static class MapDumpCommand
{
    public static Task<int> Run(CommandContext context, CancellationToken cancellationToken)
    {
        using BpfMap map = MapTarget.Open(context.Words, BpfPinAccess.ReadOnly);
        context.Words.ExpectEnd(context.Name);
        EntryFormat format = context.FormatFor(map, out BpfMapInfo info);
        if (MapKinds.WhyNotIterable(info) is { } reason)
        {
            throw new UsageException(reason);
        }

        using JsonOutput? json = context.Json ? context.OpenJson() : null;
        json?.Writer.WriteStartArray();
        int count = MapKinds.ReadsInBulk(info.Type) ? DumpBulk(context, map, format, json) : DumpByKey(context, map, format, json);
        if (json is not null)
        {
            json.Writer.WriteEndArray();
            json.Complete();
        }
        else
        {
            context.Out.WriteLine($"Found {count.ToString(CultureInfo.InvariantCulture)} element{(count == 1 ? string.Empty : "s")}");
        }

        return Task.FromResult(ExitCodes.Success);
    }

    private static int DumpBulk(CommandContext context, BpfMap map, EntryFormat format, JsonOutput? json)
    {
        var snapshot = new BpfMapSnapshot(map.KeySize, map.ValueBufferSize);
        int count = map.ReadSnapshot(snapshot, ReadStrategy(map));
        for (int i = 0; i < count; i++)
        {
            Entry(context, format, json, snapshot.KeyAt(i), snapshot.ValueAt(i));
        }

        return count;
    }

    /// <summary>
    /// Batch lookup (get_next_key where batches are missing); not the memory-mapped view of a BPF_F_MMAPABLE array,
    /// which bpfchan may only have opened read-only.
    /// </summary>
    internal static BpfMapReadStrategy ReadStrategy(BpfMap map) => (map.Flags & BpfMapFlags.Mmapable) != 0 ? BpfMapReadStrategy.Batch : BpfMapReadStrategy.Auto;

    /// <summary>bpftool's walk: get_next_key, then a lookup per key whose failure is shown in the entry's place.</summary>
    private static int DumpByKey(CommandContext context, BpfMap map, EntryFormat format, JsonOutput? json)
    {
        byte[] key = new byte[map.KeySize];
        byte[] next = new byte[map.KeySize];
        byte[] value = new byte[map.ValueBufferSize];
        bool first = true;
        int count = 0;
        bool skipMissing = map.Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps or BpfMapType.ProgramArray;
        while (map.TryGetNextKey(first ? default : key, next))
        {
            first = false;
            next.CopyTo(key, 0);
            int errno;
            try
            {
                errno = map.TryLookup(key, value) ? 0 : 2;
            }
            catch (BpfException e)
            {
                errno = e.Errno;
            }

            if (errno == 0)
            {
                Entry(context, format, json, key, value);
                count++;
            }
            else if (!(skipMissing && errno == 2))
            {
                ErrorEntry(context, json, key, errno);
            }
        }

        return count;
    }

    private static void Entry(CommandContext context, EntryFormat format, JsonOutput? json, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (json is not null)
        {
            format.WriteEntry(json.Writer, key, value, context.Short, context.Sum);
            json.FlushIfLarge();
        }
        else
        {
            context.Out.WriteLine(format.Text(key, value, context.Sum));
        }
    }

    private static void ErrorEntry(CommandContext context, JsonOutput? json, ReadOnlySpan<byte> key, int errno)
    {
        string error = Marshal.GetPInvokeErrorMessage(errno);
        if (json is not null)
        {
            Utf8JsonWriter writer = json.Writer;
            writer.WriteStartObject();
            writer.WritePropertyName("key");
            JsonOutput.WriteHex(writer, key);
            writer.WriteStartObject("value");
            writer.WriteString("error", error);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else
        {
            context.Out.WriteLine($"key: {HexText.Spaced(key)}  value: {(errno == 2 ? "<no entry>" : error)}");
        }
    }
}
