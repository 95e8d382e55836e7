using System.Reactive.Linq;
using BpfChannels;

namespace SyscallCounter;

/// <summary>
/// The live per-process counts, kept from a map channel's change stream, and the top N of them.
/// Thread-safe: the stream updates it while the console reads it.
/// </summary>
public sealed class TopTable
{
    private readonly Dictionary<uint, ulong> _counts = [];
    private readonly Lock _lock = new();

    /// <summary>The number of change events applied.</summary>
    public long Changes { get; private set; }

    /// <summary>Applies one change: Added and Updated set the count, Removed drops the process.</summary>
    public void Apply(MapChange<uint, ulong> change)
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
    public IDisposable Follow(IObservable<MapChange<uint, ulong>> changes) => changes.Subscribe(Apply);

    /// <summary>The count of one process, if it has made system calls.</summary>
    public bool TryGetCount(uint pid, out ulong count)
    {
        lock (_lock)
        {
            return _counts.TryGetValue(pid, out count);
        }
    }

    /// <summary>The <paramref name="n"/> processes with the most system calls, busiest first.</summary>
    public IReadOnlyList<(uint Pid, ulong Count)> Top(int n)
    {
        lock (_lock)
        {
            return [.. _counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(n).Select(kv => (kv.Key, kv.Value))];
        }
    }
}
