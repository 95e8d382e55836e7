using System.Globalization;

namespace BpfChannels.Tool;

/// <summary>The parsed command line.</summary>
internal sealed class Options
{
    public string Command { get; private set; } = "help";

    public List<string> Arguments { get; } = [];

    public bool Json { get; private set; }

    public ValueType? KeyType { get; private set; }

    public ValueType? ValueType { get; private set; }

    public BpfMapUpdateFlags UpdateFlags { get; private set; } = BpfMapUpdateFlags.Any;

    public TimeSpan Interval { get; private set; } = TimeSpan.FromSeconds(1);

    public int? Count { get; private set; }

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--json": options.Json = true; break;
                case "--any": options.UpdateFlags = BpfMapUpdateFlags.Any; break;
                case "--noexist": options.UpdateFlags = BpfMapUpdateFlags.NoExist; break;
                case "--exist": options.UpdateFlags = BpfMapUpdateFlags.Exist; break;
                case "--key": options.KeyType = Tool.ValueType.Parse(Next(args, ref i, arg)); break;
                case "--value": options.ValueType = Tool.ValueType.Parse(Next(args, ref i, arg)); break;
                case "--interval": options.Interval = TimeSpan.FromMilliseconds(Positive(Next(args, ref i, arg), arg)); break;
                case "--count": options.Count = Positive(Next(args, ref i, arg), arg); break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
                    {
                        throw new UsageException($"Unknown option '{arg}'.");
                    }

                    if (i == 0)
                    {
                        options.Command = arg;
                    }
                    else
                    {
                        options.Arguments.Add(arg);
                    }

                    break;
            }
        }

        return options;
    }

    public void ExpectArguments(int count)
    {
        if (Arguments.Count != count)
        {
            throw new UsageException($"'{Command}' takes {count} argument(s), got {Arguments.Count}.");
        }
    }

    private static string Next(string[] args, ref int i, string option) =>
        ++i < args.Length ? args[i] : throw new UsageException($"{option} needs a value.");

    private static int Positive(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : throw new UsageException($"{option} needs a positive number, not '{text}'.");
}
