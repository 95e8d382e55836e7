using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// A summary column of <see cref="BindingsPairedBenchmarks"/>: the median of one of its per-round ratios
/// (<see cref="PairedRatios.Names"/>) with its 95% confidence interval and the number of rounds, from the rounds this process measured.
/// </summary>
internal sealed class PairedRatioColumn(int index, string header) : IColumn
{
    public string Id => "Paired" + index.ToString(CultureInfo.InvariantCulture);

    public string ColumnName => header;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => index;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Median over the measured rounds of {PairedRatios.Names[index]} (the blocks of one round back to back), with its 95% confidence interval";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        string workload = benchmarkCase.Parameters["Workload"] as string ?? string.Empty;
        return PairedRatios.Quartiles(workload, index) is { } q
            ? string.Create(CultureInfo.InvariantCulture, $"{q.Median:F4} (CI {q.Low95:F4}-{q.High95:F4}, n={q.Count})")
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
