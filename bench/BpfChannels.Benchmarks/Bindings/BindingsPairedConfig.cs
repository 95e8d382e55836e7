using BpfChannels.Benchmarks.Paired;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// The job of <see cref="BindingsPairedBenchmarks"/>: the paired job (<see cref="PairedConfig"/>) with 40 measured
/// iterations and its three per-round ratios as columns.
/// </summary>
public sealed class BindingsPairedConfig : PairedConfig
{
    public BindingsPairedConfig()
        : base(
            40,
            ("Bindings/Hand CPU", "bindings/hand-written (thread CPU time)"),
            ("Bindings/Hand wall", "bindings/hand-written (wall clock)"),
            ("Hand/C CPU", "hand-written/C (thread CPU time)"))
    {
    }
}
