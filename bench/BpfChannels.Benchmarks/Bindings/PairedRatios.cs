using System.Collections.Concurrent;
using System.Globalization;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// The per-round ratios of <see cref="BindingsPairedBenchmarks"/>, per workload and ratio, kept in this process (the
/// benchmarks run in-process) for <see cref="PairedRatioColumn"/> and the line each workload prints when it ends.
/// </summary>
internal static class PairedRatios
{
    /// <summary>The ratios, in column order: what each divides, and by which clock.</summary>
    internal static readonly string[] Names = ["bindings/hand-written (thread CPU time)", "bindings/hand-written (wall clock)", "hand-written/C (thread CPU time)"];

    private static readonly ConcurrentDictionary<string, List<double>[]> ByWorkload = new(StringComparer.Ordinal);

    internal static void Reset(string workload) => ByWorkload[workload] = [.. Names.Select(_ => new List<double>())];

    internal static void Add(string workload, params ReadOnlySpan<double> ratios)
    {
        List<double>[] lists = ByWorkload[workload];
        for (int i = 0; i < lists.Length; i++)
        {
            lists[i].Add(ratios[i]);
        }
    }

    /// <summary>
    /// The median of ratio <paramref name="index"/>, its 95% confidence interval (distribution-free: the order statistics
    /// n/2 -/+ 1.96 sqrt(n)/2), the quartiles and the count; null before any measured round.
    /// </summary>
    internal static (double Median, double Low95, double High95, double Lower, double Upper, int Count)? Quartiles(string workload, int index)
    {
        if (!ByWorkload.TryGetValue(workload, out List<double>[]? lists) || lists[index].Count == 0)
        {
            return null;
        }

        double[] sorted = [.. lists[index]];
        Array.Sort(sorted);
        int n = sorted.Length;
        int half = (int)Math.Ceiling(1.96 * Math.Sqrt(n) / 2);
        double low95 = sorted[Math.Max(0, (n / 2) - half)];
        double high95 = sorted[Math.Min(n - 1, (n / 2) + half)];
        return (Percentile(sorted, 0.5), low95, high95, Percentile(sorted, 0.25), Percentile(sorted, 0.75), n);
    }

    internal static string Describe(string workload)
    {
        var parts = new List<string>();
        for (int i = 0; i < Names.Length; i++)
        {
            parts.Add(Quartiles(workload, i) is { } q
                ? string.Create(CultureInfo.InvariantCulture, $"{Names[i]} median {q.Median:F4} (95% CI {q.Low95:F4}-{q.High95:F4}, quartiles {q.Lower:F4}-{q.Upper:F4}, {q.Count} rounds)")
                : $"{Names[i]}: no measured rounds");
        }

        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
        return $"// Paired {workload}: {string.Join("; ", parts)}; load average {load}";
    }

    private static double Percentile(double[] sorted, double p)
    {
        double index = p * (sorted.Length - 1);
        int low = (int)Math.Floor(index);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((index - low) * (sorted[high] - sorted[low]));
    }
}
