using System.ComponentModel.DataAnnotations;

namespace OpenSnoop;

/// <summary>The "OpenSnoop" configuration section: what the view shows. What is attached is in BpfChannels:Objects.</summary>
public sealed class OpenSnoopOptions
{
    public const string SectionName = "OpenSnoop";

    /// <summary>How many processes the live view's totals table shows.</summary>
    [Range(1, 1000)]
    public int Top { get; set; } = 10;

    /// <summary>How many of the latest opens the live view shows.</summary>
    [Range(1, 1000)]
    public int Recent { get; set; } = 12;

    /// <summary>Shows only the opens that failed (as opensnoop's -x).</summary>
    public bool FailedOnly { get; set; }

    /// <summary>Shows only the opens of threads whose command name contains this text (as opensnoop's -n).</summary>
    public string? Command { get; set; }

    /// <summary>Stops the application after this long; unset, it runs until Ctrl+C.</summary>
    public TimeSpan? RunFor { get; set; }
}
