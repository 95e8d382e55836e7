using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Maps;

/// <summary>The calling thread's minor page faults so far (getrusage(RUSAGE_THREAD) ru_minflt), read without allocating.</summary>
internal static unsafe partial class MinorFaults
{
    private const int RusageThread = 1;

    internal static long Read()
    {
        // struct rusage: two struct timevals (4 longs), then ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ...
        long* usage = stackalloc long[18];
        return GetRusage(RusageThread, usage) == 0 ? usage[8] : throw new InvalidOperationException($"getrusage failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRusage(int who, long* usage);
}

/// <summary>Per-read allocation and page faults of the fresh-read benchmarks, printed as medians when a process ends.</summary>
internal sealed class FreshReadStats
{
    private readonly List<long> _allocated = new(4096);
    private readonly List<long> _faults = new(4096);

    internal void Add(long allocated, long faults)
    {
        _allocated.Add(allocated);
        _faults.Add(faults);
    }

    internal void Print(string what, long dataBytes)
    {
        if (_allocated.Count == 0)
        {
            return;
        }

        long allocated = Median(_allocated);
        Console.WriteLine($"// {what}: median per read over {_allocated.Count} reads: {allocated:N0} B allocated = {(double)allocated / dataBytes:F4} x the data ({dataBytes:N0} B), {Median(_faults):N0} minor page faults");
    }

    private static long Median(List<long> values)
    {
        long[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
