using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Running;

namespace BpfChannels.Benchmarks.Paired;

/// <summary>
/// The per-round ratios of the paired benchmarks (both sides of a comparison timed back to back in one process, round
/// after round), per benchmark case and ratio, kept in this process (the paired benchmarks run in-process) for
/// <see cref="PairedRatioColumn"/> and the line each case prints when it ends.
/// </summary>
internal static class PairedRatios
{
    private static readonly ConcurrentDictionary<string, (string[] Names, List<double>[] Lists)> ByCase = new(StringComparer.Ordinal);

    /// <summary>
    /// The key of a benchmark case: its class and its parameters by name, as <see cref="Key(BenchmarkCase)"/> builds it
    /// from BenchmarkDotNet's description of the same case.
    /// </summary>
    internal static string Key(Type benchmark, params (string Name, object? Value)[] parameters)
        => benchmark.Name + "(" + string.Join(", ", parameters.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + Convert.ToString(p.Value, CultureInfo.InvariantCulture))) + ")";

    /// <summary>The key of <paramref name="benchmarkCase"/>, the same string its benchmark passes to <see cref="Reset"/>.</summary>
    internal static string Key(BenchmarkCase benchmarkCase)
        => Key(benchmarkCase.Descriptor.Type, [.. benchmarkCase.Parameters.Items.Select(p => (p.Name, p.Value))]);

    /// <summary>Starts the ratios of a case afresh; <paramref name="names"/> say what each divides, in column order.</summary>
    internal static void Reset(string key, params string[] names) => ByCase[key] = (names, [.. names.Select(_ => new List<double>())]);

    /// <summary>Adds one round's ratios, one for each name the case's <see cref="Reset"/> gave, in that order.</summary>
    /// <exception cref="ArgumentException">The round has more or fewer ratios than the case has names.</exception>
    internal static void Add(string key, params ReadOnlySpan<double> ratios)
    {
        (string[] names, List<double>[] lists) = ByCase[key];
        if (ratios.Length != lists.Length)
        {
            throw new ArgumentException($"A round of {key} gave {ratios.Length} ratios for its {names.Length} names ({string.Join(", ", names)}).", nameof(ratios));
        }

        for (int i = 0; i < lists.Length; i++)
        {
            lists[i].Add(ratios[i]);
        }
    }

    /// <summary>
    /// The median of ratio <paramref name="index"/>, its 95% confidence interval (distribution-free: the order statistics
    /// n/2 -/+ 1.96 sqrt(n)/2), the quartiles and the count; null before any measured round.
    /// </summary>
    internal static (double Median, double Low95, double High95, double Lower, double Upper, int Count)? Quartiles(string key, int index)
    {
        if (!ByCase.TryGetValue(key, out var ratios) || index >= ratios.Lists.Length || ratios.Lists[index].Count == 0)
        {
            return null;
        }

        double[] sorted = [.. ratios.Lists[index]];
        Array.Sort(sorted);
        int n = sorted.Length;
        int half = (int)Math.Ceiling(1.96 * Math.Sqrt(n) / 2);
        double low95 = sorted[Math.Max(0, (n / 2) - half)];
        double high95 = sorted[Math.Min(n - 1, (n / 2) + half)];
        return (Percentile(sorted, 0.5), low95, high95, Percentile(sorted, 0.25), Percentile(sorted, 0.75), n);
    }

    /// <summary>One line with every ratio of the case: median, 95% CI, quartiles, rounds, and the load average now.</summary>
    internal static string Describe(string key)
    {
        var parts = new List<string>();
        string[] names = ByCase.TryGetValue(key, out var ratios) ? ratios.Names : [];
        for (int i = 0; i < names.Length; i++)
        {
            parts.Add(Quartiles(key, i) is { } q
                ? string.Create(CultureInfo.InvariantCulture, $"{names[i]} median {q.Median:F4} (95% CI {q.Low95:F4}-{q.High95:F4}, quartiles {q.Lower:F4}-{q.Upper:F4}, {q.Count} rounds)")
                : $"{names[i]}: no measured rounds");
        }

        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
        return $"// Paired {key}: {string.Join("; ", parts)}; load average {load}";
    }

    private static double Percentile(double[] sorted, double p)
    {
        double index = p * (sorted.Length - 1);
        int low = (int)Math.Floor(index);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((index - low) * (sorted[high] - sorted[low]));
    }
}
