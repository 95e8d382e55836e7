using System.Runtime.CompilerServices;

namespace BpfChannels.Tests.Errors;

/// <summary>
/// The child side of the error-cause tests that need another user: this test executable, started under setpriv
/// as a non-root uid with <see cref="Variable"/> set to a pin path, opens the pin and prints the outcome.
/// </summary>
public static class ErrorCauseChild
{
    public const string Variable = "BPFCHANNELS_TEST_OPEN_PIN";

    [ModuleInitializer]
    internal static void RunIfChild()
    {
        string? path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        string result;
        try
        {
            using BpfMap map = BpfMap.OpenPinned(path);
            result = "opened";
        }
        catch (BpfException e)
        {
            result = $"{e.ErrorName}|{e.Message}";
        }
        catch (Exception e)
        {
            result = $"unexpected {e.GetType().Name}: {e.Message}";
        }

        Console.Out.WriteLine(result);
        Console.Out.Flush();
        Environment.Exit(0);
    }
}
