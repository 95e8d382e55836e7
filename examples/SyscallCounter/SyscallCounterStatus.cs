using BpfChannels;

namespace SyscallCounter;

/// <summary>What the worker has done so far: whether the probe is attached, and the outcome of each ignore write.</summary>
public sealed class SyscallCounterStatus
{
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the program is attached, the ignore list written and the table following the counts.</summary>
    public Task Attached => _attached.Task;

    /// <summary>Each ignored process id and how its NoExist write ended (EEXIST when it was already ignored).</summary>
    public IReadOnlyDictionary<uint, BpfError> IgnoreOutcomes => _outcomes;

    private readonly Dictionary<uint, BpfError> _outcomes = [];

    internal void RecordIgnore(uint pid, BpfError error) => _outcomes[pid] = error;

    internal void SetAttached() => _attached.TrySetResult();

    internal void SetFailed(Exception error) => _attached.TrySetException(error);
}
