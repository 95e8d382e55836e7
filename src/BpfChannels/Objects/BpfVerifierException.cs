namespace BpfChannels;

/// <summary>The kernel refused to load a program of a <see cref="BpfObject"/>; the verifier's log says why.</summary>
public sealed class BpfVerifierException : BpfException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="programName">The program the kernel rejected, if known.</param>
    /// <param name="errno">The errno of BPF_PROG_LOAD.</param>
    /// <param name="verifierLog">The verifier log.</param>
    public BpfVerifierException(string message, string? programName, int errno, string verifierLog)
        : base(message, BpfCommand.ProgLoad.Name(), programName, errno)
    {
        VerifierLog = verifierLog;
    }

    /// <summary>The verifier log of the rejected program (empty if it was not captured).</summary>
    public string VerifierLog { get; }
}
