using BpfChannels.Tests.Support;
using CsCheck;

namespace BpfChannels.Tests.Differential;

/// <summary>
/// The twin's equality with the kernel as a property: seeded random operation sequences run against a kernel map
/// and a twin with the same spec, and every observation (return value, errno, out-parameters, batch counts, the
/// batch cursor) and the whole contents after every step must be equal.
/// </summary>
/// <remarks>
/// CI runs <see cref="FixedSeeds"/> fixed seeds per map spec. A divergence fails with its seed and the smallest
/// failing sequence CsCheck finds from it. BPFCHANNELS_SOAK=N runs N random sequences per spec instead.
/// Nothing is relaxed: hash maps are created with BPF_F_ZERO_SEED and the twin reproduces the kernel's buckets,
/// so iteration and batch order are compared exactly; LRU maps get no eviction pressure (4096 nodes, at most 24
/// keys), where the kernel's eviction would be approximate; maps of maps compare inner maps by position, since
/// the ids of the two backends differ.
/// </remarks>
public sealed class DifferentialTests
{
    private const int FixedSeeds = 40;

    public static TheoryData<string> Cases => new(DifferentialCase.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomSequences_KernelAndTwin_ObserveTheSame(string name)
    {
        BpfTestEnvironment.RequireBpf();
        int index = DifferentialCase.All.ToList().FindIndex(c => c.Name == name);
        DifferentialCase spec = DifferentialCase.All[index];
        using BpfBtf btf = BpfBtf.Load(SpinLockBtf.Build());
        void Run(MapOp[] ops) => Compare(spec, btf, ops);

        if (long.TryParse(Environment.GetEnvironmentVariable("BPFCHANNELS_SOAK"), out long soak) && soak > 0)
        {
            spec.Operations.Sample(Run, iter: soak, threads: 1, print: Print);
            return;
        }

        for (int i = 0; i < FixedSeeds; i++)
        {
            string seed = new PCG((uint)index + 1, (ulong)i + 1).ToString();
            try
            {
                spec.Operations.Sample(Run, seed: seed, iter: 1, threads: 1, print: Print);
            }
            catch (Exception divergence)
            {
                // Shrink: CsCheck keeps looking for a smaller failing sequence, starting from this one.
                string detail = divergence.Message;
                try
                {
                    spec.Operations.Sample(Run, seed: seed, iter: 500, threads: 1, print: Print);
                }
                catch (Exception shrunk)
                {
                    detail = shrunk.Message;
                }

                Assert.Fail($"{name}: kernel and twin diverge on fixed seed {i} (\"{seed}\").\n{detail}");
            }
        }
    }

    private static void Compare(DifferentialCase spec, BpfBtf btf, MapOp[] ops)
    {
        using MapUnderTest kernel = spec.Create(BpfMapFactory.Kernel, btf);
        using MapUnderTest twin = spec.Create(BpfMapFactory.InMemory, btf);
        for (int step = 0; step < ops.Length; step++)
        {
            string expected = kernel.Apply(ops[step]);
            string actual = twin.Apply(ops[step]);
            if (expected != actual)
            {
                throw new InvalidOperationException($"step {step} {ops[step]}: kernel '{expected}', twin '{actual}'");
            }

            expected = kernel.Dump();
            actual = twin.Dump();
            if (expected != actual)
            {
                throw new InvalidOperationException($"after step {step} {ops[step]}: kernel holds '{expected}', twin '{actual}'");
            }
        }
    }

    private static string Print(MapOp[] ops) => string.Join("; ", ops.Select(op => op.ToString()));
}
