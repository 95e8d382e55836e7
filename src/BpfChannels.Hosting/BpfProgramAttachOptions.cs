namespace BpfChannels.Hosting;

/// <summary>
/// Which programs of the hosted BPF objects are attached when the host starts, bound from the <c>Objects</c> section of
/// the BpfChannels configuration: <c>"Objects": { "counter": { "Attach": [ { "Program": "count_syscalls" } ] } }</c>.
/// </summary>
/// <remarks>Configure it while building services; not thread-safe.</remarks>
public sealed class BpfProgramAttachOptions
{
    /// <summary>Per registered object name, its programs to attach.</summary>
    public Dictionary<string, BpfObjectAttachOptions> Objects { get; } = new(StringComparer.Ordinal);
}

/// <summary>The programs of one hosted BPF object to attach at start, in order.</summary>
public sealed class BpfObjectAttachOptions
{
    /// <summary>The programs, each with the target its section does not say.</summary>
    public List<BpfProgramAttachment> Attach { get; } = [];
}

/// <summary>One program to attach: where its section says (<see cref="BpfProgram.Attach()"/>), or at <see cref="Target"/>.</summary>
public sealed class BpfProgramAttachment
{
    /// <summary>The program's name (its C function's name).</summary>
    public string Program { get; set; } = string.Empty;

    /// <summary>
    /// The target its section does not name, read as <see cref="BpfProgram.Attach(string)"/> reads it (an interface for XDP,
    /// <c>interface:egress</c> for tc, a cgroup path, <c>cpu-clock@99Hz</c> for perf_event...), or <see langword="null"/>
    /// to attach where the section says.
    /// </summary>
    public string? Target { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Target is null ? Program : $"{Program} -> {Target}";
}
