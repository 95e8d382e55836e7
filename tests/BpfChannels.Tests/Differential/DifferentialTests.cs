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
    private const int ShrinkSeconds = 30;

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
                // Shrink: CsCheck keeps generating sequences smaller than the smallest failing one it has, for a while.
                string detail = Describe(divergence);
                try
                {
                    spec.Operations.Sample(Run, seed: seed, time: ShrinkSeconds, threads: 1, print: Print);
                }
                catch (Exception shrunk)
                {
                    detail = Describe(shrunk);
                }

                Assert.Fail($"{name}: kernel and twin diverge on fixed seed {i} (\"{seed}\").\n{detail}");
            }
        }
    }

    [Theory]
    [InlineData(BpfMapType.LruHash, 8)]
    [InlineData(BpfMapType.PerCpuHash, 8)]
    [InlineData(BpfMapType.PerCpuArray, 8)]
    [InlineData(BpfMapType.Hash, (1 << 27) + 1)]
    public void Create_SpecTheKernelRefuses_TwinRefusesWithSameErrno(BpfMapType type, int maxEntries)
    {
        BpfTestEnvironment.RequireBpf();
        using BpfBtf btf = BpfBtf.Load(SpinLockBtf.Build());
        bool spinLock = maxEntries == 8; // small maps carry a spin lock value (allowed only in hash and array); the large hash is too many buckets
        var spec = new BpfMapSpec
        {
            Type = type,
            KeySize = 4,
            ValueSize = spinLock ? SpinLockBtf.ValueSize : 8,
            MaxEntries = maxEntries,
            Flags = spinLock ? BpfMapFlags.None : BpfMapFlags.NoPrealloc,
            Btf = spinLock ? btf.Handle : null,
            BtfKeyTypeId = spinLock ? SpinLockBtf.KeyTypeId : 0,
            BtfValueTypeId = spinLock ? SpinLockBtf.ValueTypeId : 0,
        };

        BpfException kernel = Assert.Throws<BpfException>(() => BpfMapFactory.Kernel.Create(spec).Dispose());
        BpfException twin = Assert.Throws<BpfException>(() => BpfMapFactory.InMemory.Create(spec).Dispose());
        Assert.Equal(kernel.ErrorName, twin.ErrorName);
    }

    public static TheoryData<BpfMapType> CreatableTypes => new(
        BpfMapType.Hash, BpfMapType.LruHash, BpfMapType.PerCpuHash, BpfMapType.LruPerCpuHash, BpfMapType.Array,
        BpfMapType.PerCpuArray, BpfMapType.LpmTrie, BpfMapType.Queue, BpfMapType.Stack, BpfMapType.HashOfMaps, BpfMapType.ArrayOfMaps);

    [Theory]
    [MemberData(nameof(CreatableTypes))]
    public void Create_EachFlag_SameOutcomeOnKernelAndTwin(BpfMapType type)
    {
        BpfTestEnvironment.RequireBpf();
        using BpfMap kernelInner = BpfMapFactory.Kernel.Create(new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 4 });
        using BpfMap twinInner = BpfMapFactory.InMemory.Create(new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 4 });
        var divergences = new List<string>();
        IEnumerable<BpfMapFlags> candidates = Enumerable.Range(0, 19).Select(bit => (BpfMapFlags)(1u << bit))
            .Append(BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly).Append(BpfMapFlags.ReadOnlyProgram | BpfMapFlags.WriteOnlyProgram);
        foreach (BpfMapFlags flags in candidates)
        {
            string kernel = CreateOutcome(BpfMapFactory.Kernel, type, flags, kernelInner);
            string twin = CreateOutcome(BpfMapFactory.InMemory, type, flags, twinInner);
            if (kernel != twin)
            {
                divergences.Add($"{flags}: kernel {kernel}, twin {twin}");
            }
        }

        Assert.Empty(divergences);
    }

    private static string CreateOutcome(BpfMapFactory factory, BpfMapType type, BpfMapFlags flags, BpfMap inner)
    {
        bool lpm = type == BpfMapType.LpmTrie;
        bool keyless = type is BpfMapType.Queue or BpfMapType.Stack;
        var spec = new BpfMapSpec
        {
            Type = type,
            KeySize = keyless ? 0 : lpm ? 8 : 4,
            ValueSize = type is BpfMapType.HashOfMaps or BpfMapType.ArrayOfMaps ? 4 : 8,
            MaxEntries = 8,
            Flags = flags | (lpm ? BpfMapFlags.NoPrealloc : BpfMapFlags.None),
            InnerMap = type is BpfMapType.HashOfMaps or BpfMapType.ArrayOfMaps ? inner : null,
        };

        try
        {
            factory.Create(spec).Dispose();
            return "created";
        }
        catch (BpfException e)
        {
            return e.ErrorName;
        }
        catch (ArgumentException)
        {
            return "ArgumentException";
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

    /// <summary>CsCheck's message (seed, shrunk sequence) and the divergence it found in that sequence.</summary>
    private static string Describe(Exception e) => e.InnerException is null ? e.Message : $"{e.Message}\n{e.InnerException.Message}";

    private static string Print(MapOp[] ops) => string.Join("; ", ops.Select(op => op.ToString()));
}
