using System.CommandLine;

namespace BpfChannels.Tool;

internal static partial class BpfChanCli
{
    private const string MapWords = "MAP";
    private const string DataHelp = "DATA is bytes as bpftool takes them (0x2a 0 0 0, or hex 2a 00 00 00) or one typed value (42, by the map's BTF or --key/--value)";

    internal static readonly Option<bool> JsonOption = new("--json", "-j") { Description = "JSON output, shaped as bpftool -j prints it", Recursive = true };
    internal static readonly Option<bool> PrettyOption = new("--pretty", "-p") { Description = "Indented JSON (implies --json)", Recursive = true };
    internal static readonly Option<string> KeyOption = new("--key") { Description = "Key type: u8 u16 u32 u64 i8 i16 i32 i64 ipv4 str hex (default: the map's BTF, else bytes)", Recursive = true, HelpName = "TYPE" };
    internal static readonly Option<string> ValueOption = new("--value") { Description = "Value type, as for --key", Recursive = true, HelpName = "TYPE" };
    internal static readonly Option<bool> BpffsOption = new("--bpffs", "-f") { Description = "Show the pin paths of maps (walks /sys/fs/bpf)", Recursive = true };
    internal static readonly Option<bool> SumOption = new("--sum") { Description = "Per-CPU maps: also show the sum of the CPUs' values" };
    internal static readonly Option<bool> AnyOption = new("--any") { Description = "Create or replace (BPF_ANY, the default)" };
    internal static readonly Option<bool> NoExistOption = new("--noexist") { Description = "Only create: fail with exit code 4 if the key exists (BPF_NOEXIST)" };
    internal static readonly Option<bool> ExistOption = new("--exist") { Description = "Only replace: fail with exit code 4 if the key is missing (BPF_EXIST)" };
    internal static readonly Option<int> IntervalOption = new("--interval") { Description = "Poll interval in milliseconds", DefaultValueFactory = _ => 1000, HelpName = "MS" };
    internal static readonly Option<int?> CountOption = new("--count") { Description = "Stop after this many changes (watch) or records (events)", HelpName = "N" };
    internal static readonly Option<bool> NotifiedOption = new("--notified") { Description = "watch: follow the change notices of the map's programs (their bpfchan_changes ring) instead of polling; the map is still read in full every --interval" };
    internal static readonly Option<string> FilterOption = new("--filter") { Description = "Only entries whose key or value text contains this", HelpName = "TEXT" };
    internal static readonly Option<string> BtfFileOption = new("--btf") { Description = "Read the record type from this BPF object (.o) or raw BTF file", HelpName = "FILE" };
    internal static readonly Option<uint?> BtfIdOption = new("--btf-id") { Description = "Read the record type from the kernel BTF object with this id (bpftool btf list)", HelpName = "ID" };
    internal static readonly Option<string> TypeOption = new("--type") { Description = "The record's BTF type name (struct event)", HelpName = "NAME" };

    internal static RootCommand Build(TextWriter stdout, TextWriter stderr, bool terminal)
    {
        var root = new RootCommand("bpfchan: BPF maps from the shell. bpftool's grammar (map dump id 5) and short forms (dump 5).\n"
            + "Exit codes: 0 success, 1 usage, 2 map/pin/key not found, 3 the kernel refused, 4 an update's condition failed.")
        {
            JsonOption, PrettyOption, KeyOption, ValueOption, BpffsOption,
        };

        var map = new Command("map", "bpftool's map commands: show, dump, lookup, update, delete, push, pop, peek, pin, freeze");
        map.Add(Alias(Leaf("show", "MAP (optional) — every map, or the one(s) named; -f adds pin paths", MapShowCommand.Run, false), "list"));
        map.Add(Leaf("dump", "MAP — every entry", MapDumpCommand.Run, false, SumOption));
        map.Add(Leaf("lookup", "MAP key DATA — one entry", MapElementCommands.Lookup, false, SumOption));
        map.Add(Leaf("update", "MAP key DATA value DATA [any|noexist|exist]", MapElementCommands.Update, false, AnyOption, NoExistOption, ExistOption));
        map.Add(Leaf("delete", "MAP key DATA", MapElementCommands.Delete, false));
        map.Add(Alias(Leaf("push", "MAP value DATA [exist] — queue or stack", MapElementCommands.Push, false, ExistOption), "enqueue"));
        map.Add(Alias(Leaf("pop", "MAP — take the next value of a queue or stack", MapElementCommands.Pop, false, SumOption), "dequeue"));
        map.Add(Leaf("peek", "MAP — the next value of a queue or stack, left in place", MapElementCommands.Peek, false, SumOption));
        map.Add(Leaf("pin", "MAP FILE — pin on bpffs", MapAdminCommands.Pin, false));
        map.Add(Leaf("freeze", "MAP — make the map read-only for user space", MapAdminCommands.Freeze, false));
        root.Add(map);

        var prog = new Command("prog", "bpftool's prog show: loaded programs");
        prog.Add(Alias(Leaf("show", "PROG (optional) — every program, or the one named: id N, pinned PATH, name NAME", ObjectShowCommands.Programs, false), "list"));
        root.Add(prog);
        var link = new Command("link", "bpftool's link show: links attaching programs");
        link.Add(Alias(Leaf("show", "LINK (optional) — every link, or the one named: id N, pinned PATH", ObjectShowCommands.Links, false), "list"));
        root.Add(link);
        root.Add(Leaf("progs", "PROG (optional) — every loaded program, or the one named (prog show)", ObjectShowCommands.Programs, true));
        root.Add(Leaf("links", "LINK (optional) — every link, or the one named (link show)", ObjectShowCommands.Links, true));

        root.Add(Leaf("maps", "MAP (optional) — every map with its pin paths, or the one(s) named (map show -f)", MapShowCommand.RunWithPins, true));
        root.Add(Leaf("dump", "MAP — every entry", MapDumpCommand.Run, true, SumOption));
        root.Add(Leaf("lookup", "MAP KEY — one entry", MapElementCommands.Lookup, true, SumOption));
        root.Add(Leaf("update", "MAP KEY VALUE — write one entry", MapElementCommands.Update, true, AnyOption, NoExistOption, ExistOption));
        root.Add(Leaf("delete", "MAP KEY — delete one entry", MapElementCommands.Delete, true));
        root.Add(Leaf("push", "MAP VALUE — push onto a queue or stack (--exist: overwrite the oldest when full)", MapElementCommands.Push, true, ExistOption));
        root.Add(Leaf("pop", "MAP — take the next value of a queue or stack", MapElementCommands.Pop, true, SumOption));
        root.Add(Leaf("peek", "MAP — the next value of a queue or stack", MapElementCommands.Peek, true, SumOption));
        root.Add(Leaf("pin", "MAP PATH — pin on bpffs", MapAdminCommands.Pin, true));
        root.Add(Leaf("unpin", "PATH — remove a pin", MapAdminCommands.Unpin, true));
        root.Add(Leaf("freeze", "MAP — make the map read-only for user space", MapAdminCommands.Freeze, true));
        root.Add(Leaf("watch", "MAP — the entries, then every change: a live table on a terminal, lines otherwise", WatchCommand.RunAsync, true, IntervalOption, CountOption, FilterOption, SumOption, NotifiedOption));
        root.Add(Leaf("events", "MAP — tail a ring buffer's records (hex, or by a BTF type with --type: from --btf, --btf-id, or the programs that use the ring buffer)", EventsCommand.RunAsync, true, CountOption, TypeOption, BtfFileOption, BtfIdOption));
        root.Add(CompletionCommand.Build(stdout));
        return root;

        Command Leaf(string name, string description, Func<CommandContext, CancellationToken, Task<int>> handler, bool isShort, params Option[] options)
        {
            var words = new Argument<string[]>("words")
            {
                Arity = ArgumentArity.ZeroOrMore,
                HelpName = description.Split(" — ")[0],
                Description = $"{MapTarget.Help}. {DataHelp}.",
            };
            var command = new Command(name, description) { words };
            foreach (Option option in options)
            {
                command.Add(option);
            }

            command.SetAction((parse, cancellationToken) => CommandGuard.RunAsync(stderr, () =>
            {
                string[] given = parse.GetValue(words) ?? [];
                RejectUnknownOptions(given, parse.CommandResult);
                bool pretty = parse.GetValue(PrettyOption);
                string? key = parse.GetValue(KeyOption);
                string? value = parse.GetValue(ValueOption);
                var context = new CommandContext(stdout, stderr, terminal, isShort ? name : "map " + name, isShort, new Words(given), parse.GetValue(JsonOption), pretty, parse.GetValue(BpffsOption))
                {
                    Parse = parse,
                    KeyType = key is null ? null : ValueType.Parse(key),
                    ValueType = value is null ? null : ValueType.Parse(value),
                    Sum = options.Contains(SumOption) && parse.GetValue(SumOption),
                    FlagOptions = FlagWords(parse, options),
                };
                return handler(context, cancellationToken);
            }));
            return command;
        }
    }

    private static List<string> FlagWords(ParseResult parse, Option[] options)
    {
        var words = new List<string>();
        foreach ((Option<bool> option, string word) in new[] { (AnyOption, "any"), (NoExistOption, "noexist"), (ExistOption, "exist") })
        {
            if (Array.IndexOf(options, option) >= 0 && parse.GetValue(option))
            {
                words.Add(word);
            }
        }

        return words;
    }

    private static Command Alias(Command command, string alias)
    {
        command.Aliases.Add(alias);
        return command;
    }

    private static void RejectUnknownOptions(string[] words, System.CommandLine.Parsing.CommandResult result)
    {
        Command command = result.Command;
        foreach (string word in words)
        {
            if (word.Length > 1 && word[0] == '-' && !char.IsAsciiDigit(word[1]))
            {
                var names = new List<string>();
                foreach (Option option in command.Options)
                {
                    names.Add(option.Name);
                }

                names.AddRange(["--json", "--pretty", "--key", "--value", "--bpffs", "--help"]);
                string hint = Suggestions.Closest(word, names) is { } close ? $" Did you mean '{close}'?" : string.Empty;
                throw new UsageException($"Unknown option '{word}' for '{command.Name}'.{hint} (see 'bpfchan {CommandPath(result)} --help')");
            }
        }
    }
}
