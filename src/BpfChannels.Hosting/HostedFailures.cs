using System.Runtime.ExceptionServices;

namespace BpfChannels.Hosting;

/// <summary>The host's one way to report the failures of steps that all run even when one throws.</summary>
internal static class HostedFailures
{
    /// <summary>Runs <paramref name="step"/>, adding what it throws to <paramref name="failures"/>.</summary>
    public static void Run(Action step, ref List<Exception>? failures)
    {
        try
        {
            step();
        }
        catch (Exception failure)
        {
            (failures ??= []).Add(failure);
        }
    }

    /// <summary>Throws nothing for no failures, the one failure as it was thrown, or several as one <see cref="AggregateException"/>.</summary>
    public static void ThrowIfAny(List<Exception>? failures, string message)
    {
        if (failures is null)
        {
            return;
        }

        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Throw(failures[0]);
        }

        throw new AggregateException(message, failures);
    }
}
