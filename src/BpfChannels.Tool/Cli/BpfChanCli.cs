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
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, bool terminal = false)
    {
        RootCommand root = Build(stdout, stderr, terminal);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"bpfchan: {Describe(parse)}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one command's body, turning what it throws into an exit code and a one-line message.</summary>
    internal static async Task<int> Guard(TextWriter stderr, Func<Task<int>> body)
    {
        string message;
        int exit;
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            (message, exit) = (e.Message, ExitCodes.Usage);
        }
        catch (NotFoundException e)
        {
            (message, exit) = (e.Message, ExitCodes.NotFound);
        }
        catch (ConditionFailedException e)
        {
            (message, exit) = (e.Message, ExitCodes.ConditionFailed);
        }
        catch (BpfException e)
        {
            (message, exit) = (e.Message, ExitCodes.KernelError);
        }
        catch (ArgumentException e)
        {
            // The library checks input before any syscall (a pin path off bpffs, a size that does not fit).
            (message, exit) = (StripParameter(e.Message), ExitCodes.Usage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or InvalidDataException)
        {
            (message, exit) = (e.Message, ExitCodes.KernelError);
        }

        await stderr.WriteLineAsync($"bpfchan: {OneLine(message)}").ConfigureAwait(false);
        return exit;
    }

    private static string Describe(ParseResult parse)
    {
        Command command = parse.CommandResult.Command;
        string? token = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
        string message = OneLine(parse.Errors[0].Message);
        if (token is not null)
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

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is CommandResult { Command: not RootCommand } command; at = at.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return string.Join(' ', names);
    }

    internal static string OneLine(string message)
    {
        string text = message.ReplaceLineEndings(" ").Trim();
        while (text.Contains("  ", StringComparison.Ordinal))
        {
            text = text.Replace("  ", " ", StringComparison.Ordinal);
        }

        return text;
    }

    private static string StripParameter(string message)
    {
        int at = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }
}
