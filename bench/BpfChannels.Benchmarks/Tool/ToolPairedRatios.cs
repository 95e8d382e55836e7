using System.Collections.Concurrent;
using System.Globalization;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// The per-round wall-time ratios of <see cref="ToolPairedBenchmarks"/>, per command, kept in this process (the
/// benchmarks run in-process) for the line each command prints when it ends.
/// </summary>
internal static class ToolPairedRatios
{
    /// <summary>The ratios, in the order they are printed.</summary>
    internal static readonly string[] Names = ["bpfchan/bpftool", "empty Native AOT program/bpftool"];

    private static readonly ConcurrentDictionary<string, List<double>[]> ByCommand = new(StringComparer.Ordinal);

    internal static void Reset(string command) => ByCommand[command] = [[], []];

    internal static void Add(string command, double bpfchan, double floor)
    {
        List<double>[] lists = ByCommand[command];
        lists[0].Add(bpfchan);
        lists[1].Add(floor);
    }

    /// <summary>The median, lower and upper quartile of ratio <paramref name="index"/> and the number of rounds; null before any measured round.</summary>
    internal static (double Median, double Lower, double Upper, int Count)? Summary(string command, int index)
    {
        if (!ByCommand.TryGetValue(command, out List<double>[]? lists) || lists[index].Count == 0)
        {
            return null;
        }

        double[] sorted = [.. lists[index]];
        Array.Sort(sorted);
        return (sorted[sorted.Length / 2], sorted[sorted.Length / 4], sorted[(sorted.Length * 3) / 4], sorted.Length);
    }

    internal static string Describe(string command)
    {
        var parts = new List<string>();
        for (int i = 0; i < Names.Length; i++)
        {
            parts.Add(Summary(command, i) is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"{Names[i]} median {s.Median:F2} (quartiles {s.Lower:F2}-{s.Upper:F2}, {s.Count} rounds)")
                : $"{Names[i]}: no measured rounds");
        }

        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
        return $"// Paired {command}: {string.Join("; ", parts)}; load average {load}";
    }
}
