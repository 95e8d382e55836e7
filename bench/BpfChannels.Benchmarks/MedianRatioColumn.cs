using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BpfChannels.Benchmarks;

/// <summary>
/// A benchmark's median against the median of its group's baseline, from the same run: the figure the targets are
/// stated in. BenchmarkDotNet's Ratio column is the mean of per-iteration ratios, which one slow iteration on a busy
/// machine moves far more than it moves a median.
/// </summary>
internal sealed class MedianRatioColumn : IColumn
{
    private readonly bool _asRate;

    private MedianRatioColumn(bool asRate, string name, string legend)
    {
        _asRate = asRate;
        ColumnName = name;
        Legend = legend;
    }

    /// <summary>This benchmark's median time over the baseline's (below 1 is faster), as the tool's targets are stated.</summary>
    public static MedianRatioColumn Time { get; } = new(asRate: false, "Median ratio", "Median of the benchmark / median of its group's baseline, from the same run");

    /// <summary>The baseline's median time over this one's (above 1 is faster), as the ring drain's targets ("at least 0.95x libbpf") are stated.</summary>
    public static MedianRatioColumn Rate { get; } = new(asRate: true, "Rate vs baseline (medians)", "The baseline's median time over this benchmark's: above 1 is faster than the baseline");

    public string Id => $"{nameof(MedianRatioColumn)}.{(_asRate ? "Rate" : "Time")}";

    public string ColumnName { get; }

    public string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Baseline;

    public int PriorityInCategory => -1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        double? mine = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? theirs = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        if (mine is not > 0 || theirs is not > 0)
        {
            return "-";
        }

        double ratio = _asRate ? theirs.Value / mine.Value : mine.Value / theirs.Value;
        return ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
