using BenchmarkDotNet.Attributes;
using BpfChannels.Benchmarks.Maps;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// W1 and W2 on a map of a BPF object, three ways in one run: the C baseline on the map's descriptor, the
/// hand-written typed API (<c>GetMap&lt;uint, ulong&gt;("counts")</c>, fetched once) and the generated bindings
/// (<c>bpf.Maps.Counts</c>, read through the property on every operation). The bindings must cost the same as the
/// hand-written API (within 1.02x).
/// </summary>
[Config(typeof(BindingsBenchmarkConfig))]
public class BindingsMapBenchmarks
{
    private BenchCountsBpf _bpf = null!;
    private BpfMap<uint, ulong> _handWritten = null!;

    [Params("W1 update", "W2 lookup")]
    public string Workload { get; set; } = "W2 lookup";

    [GlobalSetup]
    public void Setup()
    {
        _bpf = BenchCountsBpf.OpenAndLoad();
        _handWritten = _bpf.Object.GetMap<uint, ulong>("counts");
        for (uint key = 0; key < MapWorkload.Keys; key++)
        {
            _handWritten.Update(key, key);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _bpf.Dispose();

    [Benchmark(Baseline = true, Description = "C bpf(2)")]
    public unsafe ulong C()
    {
        int fd = _handWritten.Map.Handle.FileDescriptor;
        if (Workload == "W1 update")
        {
            return (ulong)MapsNative.Check(MapsNative.Update(fd, MapWorkload.Operations, MapWorkload.Keys), "update");
        }

        ulong sum;
        int found = MapsNative.Check(MapsNative.Lookup(fd, MapWorkload.Operations, MapWorkload.Keys, &sum), "lookup");
        return found == MapWorkload.Operations ? sum : throw new InvalidOperationException($"C baseline found {found} keys.");
    }

    [Benchmark(Description = "hand-written GetMap<uint,ulong>(\"counts\")")]
    public ulong HandWritten() => Workload == "W1 update" ? Update(_handWritten) : Lookup(_handWritten);

    [Benchmark(Description = "bindings bpf.Maps.Counts")]
    public ulong Bindings()
    {
        BenchCountsBpf bpf = _bpf;
        ulong sum = 0;
        uint key = 0;
        if (Workload == "W1 update")
        {
            for (int i = 0; i < MapWorkload.Operations; i++)
            {
                bpf.Maps.Counts.Update(key, (ulong)i);
                key = ++key == MapWorkload.Keys ? 0 : key;
            }

            return (ulong)MapWorkload.Operations;
        }

        int found = 0;
        for (int i = 0; i < MapWorkload.Operations; i++)
        {
            if (bpf.Maps.Counts.TryLookup(key, out ulong value))
            {
                sum += value;
                found++;
            }

            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return found == MapWorkload.Operations ? sum : throw new InvalidOperationException($"Found {found} keys.");
    }

    internal static ulong Update(BpfMap<uint, ulong> map)
    {
        uint key = 0;
        for (int i = 0; i < MapWorkload.Operations; i++)
        {
            map.Update(key, (ulong)i);
            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return (ulong)MapWorkload.Operations;
    }

    internal static ulong Lookup(BpfMap<uint, ulong> map)
    {
        ulong sum = 0;
        int found = 0;
        uint key = 0;
        for (int i = 0; i < MapWorkload.Operations; i++)
        {
            if (map.TryLookup(key, out ulong value))
            {
                sum += value;
                found++;
            }

            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return found == MapWorkload.Operations ? sum : throw new InvalidOperationException($"Found {found} keys.");
    }
}
