using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BpfChannels.Benchmarks.Tool;

/// <summary>
/// The median of a benchmark over the median of its group's baseline (bpftool), the figure the tool's targets are
/// stated in. BenchmarkDotNet's Ratio column is the mean of per-iteration ratios, which one slow iteration on a busy
/// machine moves far more than it moves a median.
/// </summary>
internal sealed class MedianRatioColumn : IColumn
{
    public static readonly MedianRatioColumn Instance = new();

    public string Id => nameof(MedianRatioColumn);

    public string ColumnName => "Median ratio";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Baseline;

    public int PriorityInCategory => -1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median of the benchmark / median of its group's baseline (bpftool), from the same run";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? baselineMedian = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        return median is { } value && baselineMedian is > 0 ? (value / baselineMedian.Value).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "?";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
