using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace BpfChannels.Benchmarks.Channels;

/// <summary>
/// The notified-channel benchmarks' workload: notified_bench.bpf.o loaded and its hash filled, a program changing
/// <see cref="ChangesPerSecond"/> keys a second through the bpfchan_update wrapper for a second, paced by the clock,
/// and the CPU time of the threads that do the watching.
/// </summary>
internal static unsafe class NotifiedWorkload
{
    /// <summary>The rate the program changes keys at.</summary>
    internal const int ChangesPerSecond = 1000;

    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(1);

    /// <summary>Loads a fresh copy of the object and fills its watched hash with <paramref name="entries"/> entries.</summary>
    internal static BpfObject Open(int entries, out BpfMap map, out BpfProgram change)
    {
        BpfObject bpf = BpfObject.OpenResource(Assembly.GetExecutingAssembly(), "notified_bench.bpf.o");
        bpf.Load();
        map = bpf.GetMap("bench_watched");
        change = bpf.GetProgram("change");
        var args = new BenchArgs { Entries = (uint)entries };
        _ = bpf.GetProgram("fill").TestRun(ref args);
        return bpf;
    }

    /// <summary>One second of <see cref="ChangesPerSecond"/> changes a second; <paramref name="seq"/> numbers them on from run to run.</summary>
    /// <returns>The shares of one core over the run: the process's CPU less the driving thread's, the watching threads' (<see cref="WatcherCpu"/>), and the notifier's thread's alone.</returns>
    internal static (double Process, double Watchers, double Notices) Drive(BpfProgram change, int entries, ref ulong seq)
    {
        TimeSpan processStart = Process.GetCurrentProcess().TotalProcessorTime;
        long watchersStart = WatcherCpu();
        long noticesStart = WatcherCpu("bpfchannels not");
        long threadStart = ThreadCpu();
        long start = Stopwatch.GetTimestamp();
        long done = 0;
        var args = new BenchArgs { Entries = (uint)entries };
        while (true)
        {
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed >= RunLength)
            {
                break;
            }

            long due = (long)(elapsed.TotalSeconds * ChangesPerSecond) + 1;
            if (due > done)
            {
                args.Count = (uint)(due - done);
                args.Seq = seq;
                _ = change.TestRun(ref args);
                seq += args.Count;
                done = due;
            }

            Thread.Sleep(1);
        }

        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double driver = (ThreadCpu() - threadStart) / 1e9;
        double process = (Process.GetCurrentProcess().TotalProcessorTime - processStart).TotalSeconds;
        return ((process - driver) / wall, (WatcherCpu() - watchersStart) / 1e9 / wall, (WatcherCpu("bpfchannels not") - noticesStart) / 1e9 / wall);
    }

    /// <summary>
    /// The CPU time of the threads that do the watching, by name: the notifier's and the observer's
    /// ("bpfchannels ..."), the polling thread, the C baseline's thread. Unlike the process's CPU time it leaves out
    /// the runtime's own threads (JIT, GC, the harness), which a loaded machine makes noisy.
    /// </summary>
    internal static long WatcherCpu(string? only = null)
    {
        long total = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                string comm = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd();
                bool wanted = only is null
                    ? comm.StartsWith("bpfchannels", StringComparison.Ordinal) || comm is "bench poller" or "bench notify c"
                    : comm.StartsWith(only, StringComparison.Ordinal); // a thread's comm keeps its first 15 bytes
                if (wanted)
                {
                    int tid = int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture);
                    Timespec ts;
                    if (NotifiedNative.ClockGetTime((~tid << 3) | 6 /* MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) */, &ts) == 0)
                    {
                        total += (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
                    }
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return total;
    }

    /// <summary>Waits until no thread whose name starts with <paramref name="prefix"/> is left (a thread that ended during a
    /// second would take its CPU time out of <see cref="WatcherCpu"/>'s sum).</summary>
    internal static void WaitForThreadsToEnd(string prefix)
    {
        bool Alive()
        {
            foreach (string task in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
                catch (IOException)
                {
                    // The thread ended while we looked.
                }
            }

            return false;
        }

        if (!SpinWait.SpinUntil(() => !Alive(), TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException($"A '{prefix}' thread did not end.");
        }
    }

    /// <summary>The calling thread's CPU time in nanoseconds.</summary>
    internal static long ThreadCpu()
    {
        Timespec ts;
        _ = NotifiedNative.ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, &ts);
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    /// <summary>The number of entries of <paramref name="channel"/>'s state that differ from a full read of <paramref name="map"/> (0: identical).</summary>
    internal static int Differences(MapChannel<uint, Stamped> channel, BpfMap map)
    {
        var full = new BpfMapSnapshot(sizeof(uint), sizeof(ulong) * 2);
        map.ReadSnapshot(full);
        Dictionary<uint, Stamped> state = channel.ToDictionary();
        int wrong = Math.Abs(state.Count - full.Count);
        for (int i = 0; i < full.Count; i++)
        {
            uint key = MemoryMarshal.Read<uint>(full.KeyAt(i));
            if (!state.TryGetValue(key, out Stamped value) || !full.ValueAt(i).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<Stamped>(in value))))
            {
                wrong++;
            }
        }

        return wrong;
    }

    /// <summary>The median and 99th percentile of <paramref name="latencies"/> (nanoseconds) in microseconds; sorts them.</summary>
    internal static (double Median, double P99) Percentiles(Span<long> latencies)
    {
        if (latencies.IsEmpty)
        {
            return (double.NaN, double.NaN);
        }

        latencies.Sort();
        return (latencies[latencies.Length / 2] / 1000.0, latencies[(int)(latencies.Length * 0.99)] / 1000.0);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct BenchArgs
    {
        public uint Entries;
        public uint Count;
        public ulong Seq;
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Seconds;
    public long Nanoseconds;
}

/// <summary>The watched map's value: bpf_ktime_get_ns() at the write and the change's sequence number.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Stamped
{
    /// <summary>The write's CLOCK_MONOTONIC time in nanoseconds.</summary>
    public ulong Stamp;

    /// <summary>The change's sequence number.</summary>
    public ulong Seq;
}
