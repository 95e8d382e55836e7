using System.Net;
using BpfChannels;

namespace Blocklist;

/// <summary>
/// What the worker has done so far: the network it set up, how each blocklist write ended, the drop counters as the
/// change stream reported them and the datagrams that got through. Thread-safe.
/// </summary>
public sealed class BlocklistStatus
{
    private readonly TaskCompletionSource<VethNamespace> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<LpmKey<uint>, BpfError> _outcomes = [];
    private readonly Dictionary<IPAddress, ulong> _drops = [];
    private readonly Dictionary<IPAddress, long> _received = [];
    private readonly Lock _lock = new();

    /// <summary>Completes with the network once the program is attached, the configured writes done and the drop counters followed.</summary>
    public Task<VethNamespace> Ready => _ready.Task;

    /// <summary>The number of drop-counter changes applied.</summary>
    public long DropChanges { get; private set; }

    /// <summary>How each configured write ended: None, EEXIST for a block of an entry already there, ENOENT for an unblock of a missing one.</summary>
    public IReadOnlyDictionary<LpmKey<uint>, BpfError> Outcomes
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<LpmKey<uint>, BpfError>(_outcomes);
            }
        }
    }

    /// <summary>The packets from <paramref name="source"/> the program has dropped, as last streamed.</summary>
    public bool TryGetDrops(IPAddress source, out ulong drops)
    {
        lock (_lock)
        {
            return _drops.TryGetValue(source, out drops);
        }
    }

    /// <summary>The datagrams from <paramref name="source"/> that reached the receiving socket.</summary>
    public long Received(IPAddress source)
    {
        lock (_lock)
        {
            return _received.GetValueOrDefault(source);
        }
    }

    /// <summary>Every source that was dropped or got through: its drops as last streamed and its datagrams received, by address.</summary>
    public IReadOnlyList<(IPAddress Source, ulong Dropped, long Received)> Sources()
    {
        lock (_lock)
        {
            return [.. _drops.Keys.Union(_received.Keys)
                .OrderBy(a => a.ToString(), StringComparer.Ordinal)
                .Select(a => (a, _drops.GetValueOrDefault(a), _received.GetValueOrDefault(a)))];
        }
    }

    internal void RecordOutcome(LpmKey<uint> prefix, BpfError error)
    {
        lock (_lock)
        {
            _outcomes[prefix] = error;
        }
    }

    internal void ApplyDrops(MapChange<uint, ulong> change)
    {
        var source = new IPAddress(change.Key);
        lock (_lock)
        {
            if (change.Kind == MapChangeKind.Removed)
            {
                _ = _drops.Remove(source);
            }
            else
            {
                _drops[source] = change.Value;
            }

            DropChanges++;
        }
    }

    internal void RecordReceived(IPAddress source)
    {
        lock (_lock)
        {
            _received[source] = _received.GetValueOrDefault(source) + 1;
        }
    }

    internal void SetReady(VethNamespace network) => _ready.TrySetResult(network);

    internal void SetFailed(Exception error) => _ready.TrySetException(error);
}
