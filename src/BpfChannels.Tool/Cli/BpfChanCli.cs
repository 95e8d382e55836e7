using System.CommandLine;
using System.CommandLine.Parsing;

namespace BpfChannels.Tool;

/// <summary>
/// The bpfchan command line: bpftool's grammar (<c>map dump id 5</c>) and short forms (<c>dump 5</c>), parsed by
/// System.CommandLine; every failure becomes one line on standard error and an exit code from <see cref="ExitCodes"/>.
/// </summary>
internal static partial class BpfChanCli
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where the one-line error goes.</param>
    /// <param name="cancellationToken">Ends watch and events (Ctrl+C).</param>
    /// <param name="terminal">Whether <paramref name="stdout"/> is a terminal (watch then draws a live table).</param>
    /// <param name="fastPath">Whether <see cref="FastPath"/> may run the command without System.CommandLine's tree
    /// (tests turn it off to compare the two).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, bool terminal = false, bool fastPath = true)
    {
        int exit = fastPath && FastPath.TryRun(args, stdout, stderr, terminal) is { } fast
            ? await fast.ConfigureAwait(false)
            : await ParseAndInvokeAsync(args, stdout, stderr, cancellationToken, terminal).ConfigureAwait(false);
        try
        {
            // Synchronously: an asynchronous flush of a console stream starts the thread pool, a cost at every exit.
            stdout.Flush();
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync($"bpfchan: cannot write the output: {CommandGuard.OneLine(e.Message)}").ConfigureAwait(false);
            return ExitCodes.KernelError;
        }

        return exit;
    }

    private static async Task<int> ParseAndInvokeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, bool terminal)
    {
        RootCommand root = Build(stdout, stderr, terminal);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"bpfchan: {Describe(parse)}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(ParseResult parse)
    {
        Command command = parse.CommandResult.Command;
        string? token = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
        string message = CommandGuard.OneLine(parse.Errors[0].Message);
        if (NumberOptionError(parse.Errors[0]) is { } numberError)
        {
            message = numberError;
        }
        else if (token is not null)
        {
            message = $"Unknown command or argument '{token}' for 'bpfchan{(command is RootCommand ? string.Empty : " " + CommandPath(parse.CommandResult))}'.";
            var candidates = new List<string>();
            foreach (Command sub in command.Subcommands)
            {
                candidates.Add(sub.Name);
                candidates.AddRange(sub.Aliases);
            }

            foreach (Option option in command.Options)
            {
                candidates.Add(option.Name);
            }

            if (Suggestions.Closest(token, candidates) is { } close)
            {
                message = $"{message.TrimEnd('.')}. Did you mean '{close}'?";
            }
        }

        string path = command is RootCommand ? string.Empty : " " + CommandPath(parse.CommandResult);
        return $"{message} (see 'bpfchan{path} --help')";
    }

    /// <summary>
    /// A number option given something else: System.CommandLine's message names the .NET type
    /// (<c>System.Nullable`1[System.UInt32]</c>), which means nothing on a command line.
    /// </summary>
    private static string? NumberOptionError(ParseError error)
    {
        SymbolResult? at = error.SymbolResult;
        while (at is not null and not OptionResult)
        {
            at = at.Parent;
        }

        if (at is not OptionResult { Option: var option } result || result.Tokens.Count == 0
            || !error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal))
        {
            return null;
        }

        Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        string? kind = type == typeof(int) ? "a whole number" : type == typeof(uint) ? "a whole number from 0 to 4294967295" : null;
        return kind is null ? null : $"'{result.Tokens[^1].Value}' is not a valid value for {option.Name}: it takes {kind}.";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is CommandResult { Command: not RootCommand } command; at = at.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return string.Join(' ', names);
    }
}
