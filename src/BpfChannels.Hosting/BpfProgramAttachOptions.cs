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

    /// <summary>
    /// Attaches the program in code (a typed attach method with arguments a <see cref="Target"/> string cannot say), or
    /// <see langword="null"/> to attach at <see cref="Target"/> or where the section says. Called at start and again with
    /// the new object's program after each reload; it returns the link, which the host disposes.
    /// </summary>
    public Func<BpfProgram, BpfLink>? AttachWith { get; set; }

    /// <summary>
    /// The configuration key the entry was read from (<c>BpfChannels:Objects:counter:Attach:0</c>), or <see langword="null"/>
    /// for an entry made in code. An entry whose key is already listed is not added again, so two registrations that read
    /// the same configuration attach each entry once.
    /// </summary>
    public string? ConfigurationPath { get; init; }

    /// <inheritdoc/>
    public override string ToString() => (Target, AttachWith) switch
    {
        (not null, _) => $"{Program} -> {Target}",
        (null, not null) => $"{Program} (attached in code)",
        _ => Program,
    };
}
