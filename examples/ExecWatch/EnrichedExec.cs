namespace ExecWatch;

/// <summary>An exec event after the enrichment stage: what the kernel sent plus what /proc still knows.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="ParentPid">The parent's process id, or 0 if the process had already exited.</param>
/// <param name="Uid">The user id.</param>
/// <param name="Command">The task's command name.</param>
/// <param name="Filename">The executed file.</param>
/// <param name="CommandLine">The arguments from /proc/PID/cmdline, or empty if the process had already exited.</param>
public sealed record EnrichedExec(uint Pid, uint ParentPid, uint Uid, string Command, string Filename, string CommandLine);
