using System.CommandLine;

namespace BpfChannels.Tool;

/// <summary>What a command runs with: the parsed options, its positional words and the output streams.</summary>
internal sealed class CommandContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>System.CommandLine's parse; null when <see cref="FastPath"/> ran the command (it takes no options then).</summary>
    public ParseResult? Parse { get; init; }

    public required Words Words { get; init; }

    /// <summary>The command's name as typed ("map dump", "dump").</summary>
    public required string Name { get; init; }

    /// <summary>Whether this is a short form (bpfchan dump), which may add fields to bpftool's JSON.</summary>
    public required bool Short { get; init; }

    public bool Json { get; init; }

    public bool Pretty { get; init; }

    public ValueType? KeyType { get; init; }

    public ValueType? ValueType { get; init; }

    public bool ShowPins { get; init; }

    public bool Sum { get; init; }

    /// <summary>The update flags given as options (--any, --noexist, --exist), by bpftool's word for each.</summary>
    public IReadOnlyList<string> FlagOptions { get; init; } = [];

    /// <summary>Whether standard output is a terminal (watch draws a live table there).</summary>
    public bool Terminal { get; init; }

    public T? Get<T>(Option<T> option) =>
        Parse is { } parse ? parse.GetValue(option) : throw new InvalidOperationException($"'{Name}' ran without a System.CommandLine parse, which its option {option.Name} needs.");

    public JsonOutput OpenJson() => new(Out, Pretty);

    public EntryFormat FormatFor(BpfMap map, out BpfMapInfo info)
    {
        info = map.GetInfo();
        var format = new EntryFormat(info, KeyType, ValueType);
        if (Sum)
        {
            format.CheckSum();
        }

        return format;
    }

    /// <summary>Confirms a write: bpftool's "null" document in JSON mode, a short line of text otherwise.</summary>
    public void Confirm(string text)
    {
        if (Json)
        {
            JsonNull();
        }
        else
        {
            Out.WriteLine(text);
        }
    }

    /// <summary>Writes bpftool's "null" document for commands that succeed without output in JSON mode.</summary>
    public void JsonNull()
    {
        if (Json)
        {
            Out.WriteLine("null");
        }
    }
}
