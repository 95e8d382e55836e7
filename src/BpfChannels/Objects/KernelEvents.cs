using System.Globalization;

namespace BpfChannels;

/// <summary>
/// What the kernel publishes about its perf event sources: tracepoint ids under tracefs, the dynamic PMUs
/// (kprobe, uprobe) under /sys/bus/event_source/devices, and the online CPUs.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class KernelEvents
{
    private const string EventSources = "/sys/bus/event_source/devices";
    private static readonly string[] TracefsRoots = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

    /// <summary>The mounted tracefs directory, or null when tracefs is not mounted at either usual place.</summary>
    internal static string? TracefsRoot => Array.Find(TracefsRoots, r => Directory.Exists(Path.Combine(r, "events")));

    /// <summary>The online CPUs (/sys/devices/system/cpu/online), in order.</summary>
    internal static List<int> OnlineCpus()
    {
        var cpus = new List<int>();
        string text;
        try
        {
            text = File.ReadAllText("/sys/devices/system/cpu/online");
        }
        catch (IOException)
        {
            cpus.AddRange(Enumerable.Range(0, Environment.ProcessorCount));
            return cpus;
        }

        foreach (string part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first = int.Parse(dash < 0 ? part : part[..dash], CultureInfo.InvariantCulture);
            int last = int.Parse(dash < 0 ? part : part[(dash + 1)..], CultureInfo.InvariantCulture);
            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    /// <summary>The perf event config of tracepoint <paramref name="category"/>:<paramref name="name"/> (its tracefs id).</summary>
    /// <exception cref="BpfException">tracefs is not mounted, or there is no such tracepoint (ENOENT).</exception>
    internal static ulong TracepointId(string category, string name, string program)
    {
        if (category.Contains('/', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal) || category.Contains("..", StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tracepoint '{category}:{name}' is not a category and a name.", nameof(category));
        }

        string root = TracefsRoot ?? throw new BpfException(
            $"Attaching program '{program}' to tracepoint {category}:{name} needs tracefs, which is not mounted (mount -t tracefs tracefs /sys/kernel/tracing).",
            BpfCommand.Open.Name(),
            program,
            Interop.Errno.ENOENT);
        string path = Path.Combine(root, "events", category, name, "id");
        if (!File.Exists(path))
        {
            string why = Directory.Exists(Path.Combine(root, "events", category))
                ? $"category '{category}' has no tracepoint '{name}'"
                : $"there is no tracepoint category '{category}'";
            throw new BpfException(
                $"Attaching program '{program}' to tracepoint {category}:{name} failed: no such tracepoint ({why}; see {Path.Combine(root, "events")}).",
                BpfCommand.Open.Name(),
                program,
                Interop.Errno.ENOENT);
        }

        return ulong.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The perf event type number of a dynamic PMU (kprobe, uprobe), or null when the kernel has none of that name.</summary>
    internal static uint? PmuType(string pmu)
    {
        string path = Path.Combine(EventSources, pmu, "type");
        return File.Exists(path) ? uint.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The config bit that makes a probe of the PMU a return probe (its format/retprobe, "config:N").</summary>
    internal static int RetprobeBit(string pmu)
    {
        string path = Path.Combine(EventSources, pmu, "format", "retprobe");
        string text = File.Exists(path) ? File.ReadAllText(path).Trim() : "config:0";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        return int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int bit) ? bit : 0;
    }
}
