using System.ComponentModel.DataAnnotations;

namespace SyscallCounter;

/// <summary>The "SyscallCounter" configuration section.</summary>
public sealed class SyscallCounterOptions
{
    public const string SectionName = "SyscallCounter";

    /// <summary>How many processes the live table shows.</summary>
    [Range(1, 1000)]
    public int Top { get; set; } = 10;

    /// <summary>Leave this process itself out of the counts.</summary>
    public bool IgnoreSelf { get; set; }

    /// <summary>Process ids to leave out.</summary>
    public List<int> IgnorePids { get; set; } = [];

    /// <summary>Command names (/proc/PID/comm) whose running processes are left out at start-up.</summary>
    public List<string> IgnoreCommands { get; set; } = [];

    /// <summary>Stops the application after this long; unset, it runs until Ctrl+C.</summary>
    public TimeSpan? RunFor { get; set; }

    /// <summary>Whether to show the table on the console: a live view on a terminal, a block of plain lines per poll interval when redirected.</summary>
    public bool Render { get; set; } = true;
}
