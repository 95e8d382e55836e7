namespace BpfChannels.Tool;

/// <summary>
/// Runs a command's body, turning what it throws into an exit code from <see cref="ExitCodes"/> and one line on
/// standard error (never an internal exception text). Shared by the System.CommandLine actions and
/// <see cref="FastPath"/>, so both report every failure the same way.
/// </summary>
internal static class CommandGuard
{
    /// <summary>Runs <paramref name="body"/>; what it throws becomes a one-line message and an exit code.</summary>
    public static async Task<int> RunAsync(TextWriter stderr, Func<Task<int>> body)
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

    /// <summary>A message on one line, runs of white space collapsed.</summary>
    public static string OneLine(string message)
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
