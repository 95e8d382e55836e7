using System.Buffers.Binary;

namespace BpfChannels.Tool;

/// <summary>lookup, update, delete, push, pop and peek, in bpftool's grammar and the short one.</summary>
internal static class MapElementCommands
{
    public static Task<int> Lookup(CommandContext context, CancellationToken cancellationToken)
    {
        using BpfMap map = MapTarget.Open(context.Words, BpfPinAccess.ReadOnly);
        EntryFormat format = context.FormatFor(map, out BpfMapInfo info);
        if (info.Type is BpfMapType.Queue or BpfMapType.Stack)
        {
            // As bpftool does: a lookup without a key on a queue or a stack is a peek.
            return context.Words.AtEnd
                ? Take(context, map, format, info, remove: false)
                : throw new UsageException($"{BpfMapTypeNames.GetName(info.Type)} map '{info.Name}' has no keys: lookup without a key (or peek) reads its next value.");
        }

        List<string> keyWords = KeyWords(context);
        byte[] key = format.ParseKey(keyWords);
        context.Words.ExpectEnd(context.Name);
        byte[] value = new byte[map.ValueBufferSize];
        if (!map.TryLookup(key, value))
        {
            context.JsonNull();
            throw new NotFoundException($"Key {string.Join(' ', keyWords)} is not in map '{info.Name}' (ENOENT).");
        }

        return Print(context, format, key, value);
    }

    public static Task<int> Peek(CommandContext context, CancellationToken cancellationToken) => Take(context, remove: false);

    public static Task<int> Pop(CommandContext context, CancellationToken cancellationToken) => Take(context, remove: true);

    public static Task<int> Update(CommandContext context, CancellationToken cancellationToken)
    {
        Words words = context.Words;
        using BpfMap map = MapTarget.Open(words, BpfPinAccess.ReadWrite);
        EntryFormat format = context.FormatFor(map, out BpfMapInfo info);
        var flags = new FlagChoice(context);
        byte[]? key = null;
        byte[]? value = null;
        BpfMap? inner = null;
        try
        {
            if (words.Peek is "key" or "value")
            {
                // bpftool: key DATA value VALUE [any|noexist|exist], in any order.
                while (!words.AtEnd)
                {
                    string word = words.Next("key, value or a flag");
                    switch (word)
                    {
                        case "key" when key is null:
                            key = format.ParseKey(words.TakeData());
                            break;
                        case "value" when value is null:
                            value = ParseValue(words, format, info, ref inner);
                            break;
                        case "any" or "noexist" or "exist":
                            flags.Add(word);
                            break;
                        default:
                            throw new UsageException(word is "key" or "value" ? $"'{word}' given twice." : $"Expected key, value or a flag (any, noexist, exist), got '{word}'.");
                    }
                }
            }
            else
            {
                key = format.ParseKey([words.Next("a key")]);
                value = ParseValue(words, format, info, ref inner, oneWord: true);
                if (!words.AtEnd)
                {
                    flags.Add(words.Next("a flag"));
                }
            }

            words.ExpectEnd(context.Name);
            if (key is null || value is null)
            {
                throw new UsageException(key is null ? "No key given (key DATA)." : "No value given (value DATA).");
            }

            if (!map.TryUpdate(key, value, flags.Flags))
            {
                throw new ConditionFailedException(flags.Flags == BpfMapUpdateFlags.NoExist
                    ? $"Not updated: key {format.KeyText(key)} already exists in map '{info.Name}' (EEXIST, noexist)."
                    : $"Not updated: key {format.KeyText(key)} is not in map '{info.Name}' (ENOENT, exist).");
            }
        }
        finally
        {
            inner?.Dispose();
        }

        context.Confirm("updated");
        return Task.FromResult(ExitCodes.Success);
    }

    public static Task<int> Delete(CommandContext context, CancellationToken cancellationToken)
    {
        using BpfMap map = MapTarget.Open(context.Words, BpfPinAccess.ReadWrite);
        EntryFormat format = context.FormatFor(map, out BpfMapInfo info);
        List<string> keyWords = KeyWords(context);
        byte[] key = format.ParseKey(keyWords);
        context.Words.ExpectEnd(context.Name);
        if (!map.TryDelete(key))
        {
            throw new NotFoundException($"Key {string.Join(' ', keyWords)} is not in map '{info.Name}' (ENOENT).");
        }

        context.Confirm("deleted");
        return Task.FromResult(ExitCodes.Success);
    }

    public static Task<int> Push(CommandContext context, CancellationToken cancellationToken)
    {
        Words words = context.Words;
        using BpfMap map = MapTarget.Open(words, BpfPinAccess.ReadWrite);
        EntryFormat format = context.FormatFor(map, out BpfMapInfo info);
        RequireQueue(info);
        var flags = new FlagChoice(context);
        List<string> data = words.TryTake("value") ? words.TakeData() : [words.Next("a value")];
        if (!words.AtEnd)
        {
            flags.Add(words.Next("a flag"));
        }

        words.ExpectEnd(context.Name);
        if (flags.Flags == BpfMapUpdateFlags.NoExist)
        {
            throw new UsageException("push takes 'exist' (overwrite the oldest value when full) or nothing, not noexist.");
        }

        map.Update(default, format.ParseValue(data), flags.Flags);
        context.Confirm("pushed");
        return Task.FromResult(ExitCodes.Success);
    }

    private static Task<int> Take(CommandContext context, bool remove)
    {
        using BpfMap map = MapTarget.Open(context.Words, remove ? BpfPinAccess.ReadWrite : BpfPinAccess.ReadOnly);
        context.Words.ExpectEnd(context.Name);
        EntryFormat format = context.FormatFor(map, out BpfMapInfo info);
        RequireQueue(info);
        return Take(context, map, format, info, remove);
    }

    private static Task<int> Take(CommandContext context, BpfMap map, EntryFormat format, BpfMapInfo info, bool remove)
    {
        byte[] value = new byte[map.ValueBufferSize];
        if (!(remove ? map.TryLookupAndDelete(default, value) : map.TryLookup(default, value)))
        {
            context.JsonNull();
            throw new NotFoundException($"{BpfMapTypeNames.GetName(info.Type)} '{info.Name}' is empty.");
        }

        return Print(context, format, [], value);
    }

    private static Task<int> Print(CommandContext context, EntryFormat format, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (context.Json)
        {
            using JsonOutput json = context.OpenJson();
            format.WriteEntry(json.Writer, key, value, context.Short, context.Sum);
            json.Complete();
        }
        else
        {
            context.Out.WriteLine(format.Text(key, value, context.Sum));
        }

        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>The key: bpftool's "key DATA", or the short form's words.</summary>
    private static List<string> KeyWords(CommandContext context)
    {
        _ = context.Words.TryTake("key");
        return context.Words.TakeData();
    }

    private static byte[] ParseValue(Words words, EntryFormat format, BpfMapInfo info, ref BpfMap? inner, bool oneWord = false)
    {
        if (info.Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps)
        {
            // As in bpftool, the value of a map of maps is a map: id N, pinned PATH or name NAME.
            inner = MapTarget.Open(words, BpfPinAccess.ReadOnly);
            byte[] fd = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(fd, inner.Handle.FileDescriptor);
            return fd;
        }

        if (info.Type == BpfMapType.ProgramArray)
        {
            throw new UsageException($"Map '{info.Name}' is a prog_array: its values are programs, which bpfchan does not open; use bpftool map update ... value id N.");
        }

        return format.ParseValue(oneWord ? [words.Next("a value")] : words.TakeData());
    }

    private static void RequireQueue(BpfMapInfo info)
    {
        if (info.Type is not (BpfMapType.Queue or BpfMapType.Stack))
        {
            throw new UsageException($"push, pop and peek work on queue and stack maps; map '{info.Name}' is {BpfMapTypeNames.GetName(info.Type)} (use lookup, update, delete).");
        }
    }

    /// <summary>One of any, noexist, exist, from the options or bpftool's words; two of them is an error.</summary>
    private sealed class FlagChoice
    {
        private string? _chosen;

        public FlagChoice(CommandContext context)
        {
            foreach (string given in context.FlagOptions)
            {
                Add(given);
            }
        }

        public BpfMapUpdateFlags Flags => _chosen switch
        {
            "noexist" => BpfMapUpdateFlags.NoExist,
            "exist" => BpfMapUpdateFlags.Exist,
            _ => BpfMapUpdateFlags.Any,
        };

        public void Add(string word)
        {
            if (word is not ("any" or "noexist" or "exist"))
            {
                string hint = Suggestions.Closest(word, ["any", "noexist", "exist"]) is { } close ? $" Did you mean '{close}'?" : string.Empty;
                throw new UsageException($"'{word}' is not an update flag (any, noexist, exist).{hint}");
            }

            if (_chosen is not null && _chosen != word)
            {
                throw new UsageException($"Give one update flag, not both {_chosen} and {word}.");
            }

            _chosen = word;
        }
    }
}
