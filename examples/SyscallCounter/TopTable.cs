using BpfChannels;
using ProcessSyscalls = SyscallCounter.SyscallCounterBpf.ProcessSyscalls;

namespace SyscallCounter;

/// <summary>One row of the table: a process, its name as its BPF program recorded it, and its system calls.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="Command">The process's name (its main thread's), recorded in the kernel, so it is known after the process exits.</param>
/// <param name="Syscalls">The system calls it has made since the program was attached.</param>
public readonly record struct TopRow(uint Pid, string Command, ulong Syscalls);

/// <summary>
/// The live per-process counts, kept from a map channel's change stream, and the top N of them.
/// Thread-safe: the stream updates it while the console reads it.
/// </summary>
public sealed class TopTable
{
    private readonly Dictionary<uint, ProcessSyscalls> _counts = [];
    private readonly Lock _lock = new();

    /// <summary>The number of change events applied.</summary>
    public long Changes { get; private set; }

    /// <summary>The number of processes in the table.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _counts.Count;
            }
        }
    }

    /// <summary>Applies one change: Added and Updated set the count, Removed drops the process.</summary>
    public void Apply(MapChange<uint, ProcessSyscalls> change)
    {
        lock (_lock)
        {
            if (change.Kind == MapChangeKind.Removed)
            {
                _ = _counts.Remove(change.Key);
            }
            else
            {
                _counts[change.Key] = change.Value;
            }

            Changes++;
        }
    }

    /// <summary>Follows <paramref name="changes"/> until the subscription is disposed.</summary>
    public IDisposable Follow(IObservable<MapChange<uint, ProcessSyscalls>> changes) => changes.Subscribe(Apply);

    /// <summary>The count and name of one process, if it has made system calls.</summary>
    public bool TryGet(uint pid, out TopRow row)
    {
        lock (_lock)
        {
            bool found = _counts.TryGetValue(pid, out ProcessSyscalls value);
            row = found ? new TopRow(pid, value.CommAsString(), value.Count) : default;
            return found;
        }
    }

    /// <summary>The <paramref name="n"/> processes with the most system calls, busiest first.</summary>
    public IReadOnlyList<TopRow> Top(int n)
    {
        lock (_lock)
        {
            return [.. _counts.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key).Take(n).Select(kv => new TopRow(kv.Key, kv.Value.CommAsString(), kv.Value.Count))];
        }
    }
}
