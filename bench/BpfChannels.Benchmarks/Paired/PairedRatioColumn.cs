using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BpfChannels.Benchmarks.Paired;

/// <summary>
/// A summary column of a paired benchmark: the median of one of its per-round ratios (the <paramref name="index"/>-th
/// name its benchmark gave <see cref="PairedRatios.Reset"/>) with its 95% confidence interval and the number of rounds,
/// from the rounds this process measured.
/// </summary>
internal sealed class PairedRatioColumn(int index, string header, string legend) : IColumn
{
    public string Id => "Paired" + index.ToString(CultureInfo.InvariantCulture);

    public string ColumnName => header;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => index;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Median over the measured rounds of {legend} (the blocks of one round back to back), with its 95% confidence interval";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        => PairedRatios.Quartiles(PairedRatios.Key(benchmarkCase), index) is { } q
            ? string.Create(CultureInfo.InvariantCulture, $"{q.Median:F4} (CI {q.Low95:F4}-{q.High95:F4}, n={q.Count})")
            : "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
