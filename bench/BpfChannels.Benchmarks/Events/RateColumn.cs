using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BpfChannels.Benchmarks.Events;

/// <summary>
/// A column with each benchmark's rate as a multiple of its baseline's (the baseline's median time over this
/// one's), the figure the ring drain targets are stated in ("at least 0.95x libbpf").
/// </summary>
internal sealed class RateColumn : IColumn
{
    public string Id => nameof(RateColumn);

    public string ColumnName => "Rate vs baseline (medians)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "The baseline's median time over this benchmark's: above 1 is faster than the baseline.";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        double? mine = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? theirs = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        return mine is > 0 && theirs is > 0 ? $"{theirs.Value / mine.Value:F2}x" : "-";
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
