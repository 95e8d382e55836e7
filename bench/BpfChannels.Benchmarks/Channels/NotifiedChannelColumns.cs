using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>What one notified-channel benchmark case measured (the time column is the paced second and says nothing).</summary>
/// <param name="CpuShare">The watching threads' CPU as a share of one core, median of the runs.</param>
/// <param name="MedianLatencyUs">The median latency from the program's write to the handler, in microseconds.</param>
/// <param name="P99LatencyUs">Its 99th percentile.</param>
internal readonly record struct NotifiedFigures(double CpuShare, double MedianLatencyUs, double P99LatencyUs);

/// <summary>
/// Columns that put <see cref="NotifiedChannelBenchmarks"/>' own figures into BenchmarkDotNet's summary table: the
/// watching CPU (share of one core and microseconds per change), its ratio to the C baseline of the same map size in
/// the same run, and the latency median and p99. The benchmarks run in process, so the figures are read from
/// <see cref="Results"/>, filled as each case ends.
/// </summary>
internal sealed class NotifiedChannelColumn : IColumn
{
    private readonly Func<NotifiedFigures, NotifiedFigures?, string> _format;

    private NotifiedChannelColumn(string name, string legend, Func<NotifiedFigures, NotifiedFigures?, string> format)
    {
        ColumnName = name;
        Legend = legend;
        _format = format;
    }

    /// <summary>Every column, in the order the table shows them.</summary>
    public static IColumn[] All { get; } =
    [
        new NotifiedChannelColumn("CPU % of a core", "The watching threads' CPU time over the run's wall time, median of the runs", (f, _) => Format(f.CpuShare * 100, "0.00") + "%"),
        new NotifiedChannelColumn("CPU per change", "The same CPU divided by the changes a second: microseconds of CPU per change", (f, _) => Format(f.CpuShare * 1e6 / NotifiedChannelBenchmarks.ChangesPerSecond, "0.0") + " us"),
        new NotifiedChannelColumn("CPU / C", "The CPU share over the C baseline's at the same map size (ratio of medians, same run)", (f, c) => c is { CpuShare: > 0 } baseline ? Format(f.CpuShare / baseline.CpuShare, "0.00") + "x" : "-"),
        new NotifiedChannelColumn("Latency median", "From the program's bpf_ktime_get_ns() stamp to the handler's CLOCK_MONOTONIC reading", (f, _) => Latency(f.MedianLatencyUs)),
        new NotifiedChannelColumn("Latency p99", "The 99th percentile of the same latency", (f, _) => Latency(f.P99LatencyUs)),
    ];

    /// <summary>The figures of each case, by benchmark method name and map size.</summary>
    public static ConcurrentDictionary<(string Method, int Entries), NotifiedFigures> Results { get; } = new();

    public string Id => $"{nameof(NotifiedChannelColumn)}.{ColumnName}";

    public string ColumnName { get; }

    public string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters["Entries"] is not int entries
            || !Results.TryGetValue((benchmarkCase.Descriptor.WorkloadMethod.Name, entries), out NotifiedFigures figures))
        {
            return "-";
        }

        NotifiedFigures? c = Results.TryGetValue((nameof(NotifiedChannelBenchmarks.NativeLibbpf), entries), out NotifiedFigures native) ? native : null;
        return _format(figures, c);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Latency(double us) => double.IsNaN(us) ? "-" : us >= 100_000 ? Format(us / 1e6, "0.00") + " s" : us >= 1000 ? Format(us / 1000, "0.00") + " ms" : Format(us, "0.0") + " us";
}
