using System.Runtime.CompilerServices;
using BpfChannels.Benchmarks.Maps;

namespace BpfChannels.Benchmarks.Bindings;

/// <summary>
/// The W1 and W2 loops as an application writes them: the hand-written one over a map it fetched once by name, the
/// bindings' one through the generated accessor on every operation (<c>bpf.Maps.Counts</c> on the kernel object,
/// <c>maps.Counts</c> on the twin). Keys cycle through <see cref="MapWorkload.Keys"/>. Each loop is kept out of its
/// caller, so each is compiled on its own (as in an application) and the disassembly shows one loop per path.
/// </summary>
internal static class BindingsLoops
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ulong HandWrittenUpdate(BpfMap<uint, ulong> map, int operations)
    {
        uint key = 0;
        for (int i = 0; i < operations; i++)
        {
            map.Update(key, (ulong)i);
            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return (ulong)operations;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ulong BindingsUpdate(BenchCountsBpf bpf, int operations)
    {
        uint key = 0;
        for (int i = 0; i < operations; i++)
        {
            bpf.Maps.Counts.Update(key, (ulong)i);
            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return (ulong)operations;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ulong TwinBindingsUpdate(BenchCountsBpf.MapSet maps, int operations)
    {
        uint key = 0;
        for (int i = 0; i < operations; i++)
        {
            maps.Counts.Update(key, (ulong)i);
            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return (ulong)operations;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ulong HandWrittenLookup(BpfMap<uint, ulong> map, int operations)
    {
        ulong sum = 0;
        uint key = 0;
        for (int i = 0; i < operations; i++)
        {
            sum += map.TryLookup(key, out ulong value) ? value : throw Missing(key);
            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ulong BindingsLookup(BenchCountsBpf bpf, int operations)
    {
        ulong sum = 0;
        uint key = 0;
        for (int i = 0; i < operations; i++)
        {
            sum += bpf.Maps.Counts.TryLookup(key, out ulong value) ? value : throw Missing(key);
            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ulong TwinBindingsLookup(BenchCountsBpf.MapSet maps, int operations)
    {
        ulong sum = 0;
        uint key = 0;
        for (int i = 0; i < operations; i++)
        {
            sum += maps.Counts.TryLookup(key, out ulong value) ? value : throw Missing(key);
            key = ++key == MapWorkload.Keys ? 0 : key;
        }

        return sum;
    }

    /// <summary>Fills the map with every key, so every lookup finds its key.</summary>
    internal static void Fill(BpfMap<uint, ulong> map)
    {
        for (uint key = 0; key < MapWorkload.Keys; key++)
        {
            map.Update(key, key);
        }
    }

    private static InvalidOperationException Missing(uint key) => new($"Key {key} is missing: the map was not filled.");
}
