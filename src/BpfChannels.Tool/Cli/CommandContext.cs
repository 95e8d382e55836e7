using System.CommandLine;

namespace BpfChannels.Tool;

/// <summary>
/// What a command runs with: the parsed options, its positional words and the output streams. The constructor takes
/// what both parsers give (<see cref="FastPath"/> and System.CommandLine's tree in <see cref="BpfChanCli"/>), so the
/// two cannot disagree on it; the options only System.CommandLine reads are set by it alone.
/// </summary>
internal sealed class CommandContext
{
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="terminal">Whether standard output is a terminal.</param>
    /// <param name="name">The command's name as typed ("map dump", "dump").</param>
    /// <param name="isShort">Whether it is a short form.</param>
    /// <param name="words">Its positional words.</param>
    /// <param name="json">-j/--json.</param>
    /// <param name="pretty">-p/--pretty, which implies --json.</param>
    /// <param name="showPins">-f/--bpffs.</param>
    public CommandContext(TextWriter output, TextWriter error, bool terminal, string name, bool isShort, Words words, bool json, bool pretty, bool showPins)
    {
        Out = output;
        Error = error;
        Terminal = terminal;
        Name = name;
        Short = isShort;
        Words = words;
        Json = json || pretty;
        Pretty = pretty;
        ShowPins = showPins;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>System.CommandLine's parse; null when <see cref="FastPath"/> ran the command (it takes no options then).</summary>
    public ParseResult? Parse { get; init; }

    public Words Words { get; }

    /// <summary>The command's name as typed ("map dump", "dump").</summary>
    public string Name { get; }

    /// <summary>Whether this is a short form (bpfchan dump), which may add fields to bpftool's JSON.</summary>
    public bool Short { get; }

    public bool Json { get; }

    public bool Pretty { get; }

    public ValueType? KeyType { get; init; }

    public ValueType? ValueType { get; init; }

    public bool ShowPins { get; }

    public bool Sum { get; init; }

    /// <summary>The update flags given as options (--any, --noexist, --exist), by bpftool's word for each.</summary>
    public IReadOnlyList<string> FlagOptions { get; init; } = [];

    /// <summary>Whether standard output is a terminal (watch draws a live table there).</summary>
    public bool Terminal { get; }

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
