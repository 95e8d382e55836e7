namespace BpfChannels.Hosting;

/// <summary>A program the host attached at start (<see cref="BpfProgramLinks"/>), with its link.</summary>
/// <param name="ObjectName">The hosted object's registration name.</param>
/// <param name="ProgramName">The program's name.</param>
/// <param name="Target">The configured target, or <see langword="null"/> when the section said where (or code attached it).</param>
/// <param name="Link">The link; the host disposes it at stop.</param>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed record BpfAttachedProgram(string ObjectName, string ProgramName, string? Target, BpfLink Link)
{
    /// <summary>The configured attachment this link was made from (what a reload attaches again, what health matches).</summary>
    internal BpfProgramAttachment? Attachment { get; init; }
}
