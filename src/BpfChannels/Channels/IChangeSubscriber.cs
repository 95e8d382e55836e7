namespace BpfChannels;

/// <summary>One subscriber of a <see cref="MapChannel"/>: a reader with its buffer, or an inline handler.</summary>
/// <remarks>Every member but <see cref="Flush"/> is called with the channel's state lock held, so those calls never overlap.</remarks>
internal interface IChangeSubscriber
{
    /// <summary>Takes the current state, the subscriber's first changes (as Added): copied for later, or delivered now.</summary>
    void List(BpfMapSnapshot state);

    /// <summary>One change, as bytes valid only during the call; an exception unsubscribes the subscriber.</summary>
    void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous);

    /// <summary>The changes of one delivery (a poll's diff, a batch of notices) are all handed over: wake whoever waits for them.</summary>
    /// <remarks>Called after the channel's state lock is released, possibly concurrently with <see cref="Complete"/>.</remarks>
    void Flush();

    /// <summary>The channel completed (or the subscriber failed with <paramref name="error"/>): nothing follows.</summary>
    void Complete(Exception? error);
}
