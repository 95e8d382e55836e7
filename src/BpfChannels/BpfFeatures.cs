using System.Collections.Concurrent;

namespace BpfChannels;

/// <summary>
/// What the running kernel supports, found by probing it (creating a map, loading a trivial program, looking for a PMU)
/// and cached for the life of the process. Tests use it to fail where this kernel should have a feature, instead of skipping.
/// </summary>
/// <remarks>
/// Map, program and helper probes go through libbpf's probes (libbpf_probe_bpf_*, libbpf 1.0), which need the privilege to
/// create maps and load programs; without it they throw a <see cref="BpfException"/> rather than answer "unsupported".
/// Thread-safe: concurrent first calls may both probe, and agree.
/// </remarks>
public static unsafe class BpfFeatures
{
    private static readonly ConcurrentDictionary<(int Kind, uint A, uint B), bool> Cache = new();

    /// <summary>Whether this kernel has kprobes: the kprobe PMU (/sys/bus/event_source/devices/kprobe, 4.17) that a kernel built with CONFIG_KPROBES publishes.</summary>
    public static bool HasKprobes => KernelEvents.PmuType("kprobe") is not null;

    /// <summary>Whether this kernel has uprobes: the uprobe PMU (/sys/bus/event_source/devices/uprobe, 4.17; CONFIG_UPROBE_EVENTS).</summary>
    public static bool HasUprobes => KernelEvents.PmuType("uprobe") is not null;

    /// <summary>Whether tracefs is mounted and lists the tracepoint <paramref name="category"/>:<paramref name="name"/>.</summary>
    /// <param name="category">The category, for example <c>syscalls</c>.</param>
    /// <param name="name">The tracepoint, for example <c>sys_enter_execve</c>.</param>
    /// <returns>Whether the tracepoint can be attached to.</returns>
    /// <exception cref="ArgumentException">The category or name is empty or contains a '/'.</exception>
    public static bool HasTracepoint(string category, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (category.Contains('/', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tracepoint '{category}:{name}' is not a category and a name.", nameof(name));
        }

        return KernelEvents.TracefsRoot is { } root && File.Exists(Path.Combine(root, "events", category, name, "id"));
    }

    /// <summary>Whether this kernel creates maps of <paramref name="type"/>.</summary>
    /// <param name="type">The map type.</param>
    /// <returns>Whether it is supported.</returns>
    /// <exception cref="BpfException">The probe itself failed (for example no privilege to create maps).</exception>
    public static bool SupportsMapType(BpfMapType type) =>
        Probe(0, (uint)type, 0, static (t, _) => Interop.Libbpf.libbpf_probe_bpf_map_type(t, null), $"map type {type}");

    /// <summary>Whether this kernel loads programs of <paramref name="type"/>.</summary>
    /// <param name="type">The program type.</param>
    /// <returns>Whether it is supported.</returns>
    /// <exception cref="BpfException">The probe itself failed (for example no privilege to load programs).</exception>
    public static bool SupportsProgramType(BpfProgramType type) =>
        Probe(1, (uint)type, 0, static (t, _) => Interop.Libbpf.libbpf_probe_bpf_prog_type(t, null), $"program type {type}");

    /// <summary>Whether a program of <paramref name="programType"/> may call the helper numbered <paramref name="helperId"/> (<c>enum bpf_func_id</c>, for example 1 for bpf_map_lookup_elem).</summary>
    /// <param name="programType">The program type.</param>
    /// <param name="helperId">The helper's number.</param>
    /// <returns>Whether the kernel accepts the call; false also when the program type itself is unsupported.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="helperId"/> is not positive.</exception>
    /// <exception cref="BpfException">The probe itself failed.</exception>
    public static bool SupportsHelper(BpfProgramType programType, int helperId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(helperId);
        return SupportsProgramType(programType)
            && Probe(2, (uint)programType, (uint)helperId, static (t, h) => Interop.Libbpf.libbpf_probe_bpf_helper(t, h, null), $"helper {helperId} in {programType} programs");
    }

    private static bool Probe(int kind, uint a, uint b, Func<uint, uint, int> probe, string what)
    {
        if (Cache.TryGetValue((kind, a, b), out bool known))
        {
            return known;
        }

        int result = probe(a, b);
        if (result < 0)
        {
            throw new BpfException(
                $"Probing whether this kernel supports {what} failed with {BpfErrors.Name(-result)} ({-result}): {Interop.Errno.Meaning(-result)} (the probe needs CAP_BPF to create maps and load programs).",
                BpfCommand.FeatureProbe.Name(),
                what,
                -result);
        }

        return Cache.GetOrAdd((kind, a, b), result == 1);
    }
}
