namespace BpfChannels;

/// <summary>A batch command failed part way: the elements before <see cref="Completed"/> were applied, the rest were not.</summary>
public sealed class BpfBatchException : BpfException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="command">The command.</param>
    /// <param name="objectName">The map name.</param>
    /// <param name="errno">The errno of the failing element.</param>
    /// <param name="completed">How many elements were applied before the failure.</param>
    public BpfBatchException(string message, string command, string? objectName, int errno, int completed)
        : base(message, command, objectName, errno)
    {
        Completed = completed;
    }

    /// <summary>How many elements were applied before the one that failed (the failing element's index).</summary>
    public int Completed { get; }
}
