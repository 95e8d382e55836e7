using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// The machine code of the W1 and W2 loops over the twin, held map against <c>maps.Counts</c> per operation, from
/// BenchmarkDotNet's disassembly diagnoser (its GitHub-markdown export under <c>results/</c>; the README quotes it): the
/// bindings' loop is the hand-written loop plus the accessor's field load and null check. Its timings are incidental
/// (see <see cref="BindingsAccessorBenchmarks"/> and <see cref="BindingsPairedBenchmarks"/>).
/// </summary>
[Config(typeof(Config))]
[DisassemblyDiagnoser(maxDepth: 2, exportGithubMarkdown: true)]
public class BindingsDisassemblyBenchmarks : TwinCountsBenchmark
{
    private const int Operations = 1_000;

    [Benchmark(Description = "W1 held")]
    public ulong HeldUpdate() => BindingsLoops.HandWrittenUpdate(HeldMap, Operations);

    [Benchmark(Description = "W1 maps.Counts")]
    public ulong BindingsUpdate() => BindingsLoops.TwinBindingsUpdate(TwinMaps, Operations);

    [Benchmark(Description = "W2 held")]
    public ulong HeldLookup() => BindingsLoops.HandWrittenLookup(HeldMap, Operations);

    [Benchmark(Description = "W2 maps.Counts")]
    public ulong BindingsLookup() => BindingsLoops.TwinBindingsLookup(TwinMaps, Operations);

    /// <summary>
    /// Out of process (the disassembler attaches to the benchmark process, which an in-process run would be; building
    /// that process's project takes minutes on a shared machine, hence the timeout), and enough invocations that the
    /// loops run their tier-1 code, which is what the disassembler reads.
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            BuildTimeout = TimeSpan.FromMinutes(10);
            AddJob(Job.Default
                .WithId("Disassembly")
                .WithLaunchCount(1)
                .WithWarmupCount(5)
                .WithIterationCount(5)
                .WithInvocationCount(256)
                .WithUnrollFactor(1));
        }
    }
}
