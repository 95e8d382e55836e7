namespace BpfChannels.Tool;

/// <summary>
/// Runs the commands a shell user times against bpftool (<c>map show|list</c>, <c>map dump</c>, <c>map lookup</c> and
/// the short <c>dump</c> and <c>lookup</c>) without building System.CommandLine's command tree, which is most of a
/// short command's start-up. It takes only argument vectors that System.CommandLine would parse to exactly the same
/// command and values: those words plus bpftool's global flags (<c>-j</c>, <c>--json</c>, <c>-p</c>, <c>--pretty</c>,
/// <c>-f</c>, <c>--bpffs</c>). Anything else (every other option, help, version, a response file, a directive, a flag
/// followed by a value) goes to System.CommandLine, so every usage error and every help text is still its own.
/// </summary>
internal static class FastPath
{
    /// <summary>Runs the command if the arguments are in the fast subset; otherwise returns null and does nothing.</summary>
    public static Task<int>? TryRun(string[] args, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        bool json = false, pretty = false, pins = false;
        var words = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            bool flag = true;
            switch (arg)
            {
                case "-j" or "--json":
                    json = true;
                    break;
                case "-p" or "--pretty":
                    pretty = true;
                    break;
                case "-f" or "--bpffs":
                    pins = true;
                    break;
                default:
                    flag = false;
                    break;
            }

            if (flag)
            {
                // System.CommandLine reads "-j false" as the flag's value.
                if (i + 1 < args.Length && (bool.TryParse(args[i + 1], out _)))
                {
                    return null;
                }

                continue;
            }

            // Options, "--", response files (@file) and directives ([...]) are System.CommandLine's to read.
            if (arg.Length == 0 || arg[0] is '-' or '@' or '[')
            {
                return null;
            }

            words.Add(arg);
        }

        (string name, bool isShort, Func<CommandContext, CancellationToken, Task<int>> handler, int skip)? command = words switch
        {
            ["map", "show" or "list", ..] => ("map show", false, MapShowCommand.Run, 2),
            ["map", "dump", ..] => ("map dump", false, MapDumpCommand.Run, 2),
            ["map", "lookup", ..] => ("map lookup", false, MapElementCommands.Lookup, 2),
            ["dump", ..] => ("dump", true, MapDumpCommand.Run, 1),
            ["lookup", ..] => ("lookup", true, MapElementCommands.Lookup, 1),
            _ => null,
        };
        if (command is not { } run)
        {
            return null;
        }

        var context = new CommandContext(stdout, stderr, terminal, run.name, run.isShort, new Words(words.GetRange(run.skip, words.Count - run.skip)), json, pretty, pins);
        return CommandGuard.RunAsync(stderr, () => run.handler(context, CancellationToken.None));
    }
}
