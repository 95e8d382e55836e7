using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>An inline subscription: a handler called on the channel's thread, with no buffer between them.</summary>
internal abstract class InlineSubscription(MapChannel channel) : IChangeSubscriber, IDisposable
{
    private int _closed; // 1 once completed or disposed: nothing more is delivered, and the completion is called at most once

    public void List(BpfMapSnapshot state)
    {
        for (int i = 0; i < state.Count; i++)
        {
            Deliver(MapChangeKind.Added, state.KeyAt(i), state.ValueAt(i), default);
        }
    }

    public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        if (Volatile.Read(ref _closed) == 0)
        {
            Deliver(kind, key, value, previous);
        }
    }

    /// <summary>Ends the subscription; never throws, since the channel completes its other subscribers (or goes on delivering) after it.</summary>
    public void Complete(Exception? error)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            try
            {
                OnCompleted(error);
            }
            catch (Exception)
            {
                // A completion that throws has nothing left to lose (Rx's default OnError rethrows); it goes nowhere.
            }
        }
    }

    /// <summary>Nothing waits: every change was delivered during the call that found it.</summary>
    public void Flush()
    {
    }

    /// <summary>Unsubscribes; a change being delivered now is the last.</summary>
    public void Dispose()
    {
        _ = Interlocked.Exchange(ref _closed, 1); // an unsubscribed handler hears nothing more, not even a completion
        channel.Unsubscribe(this);
    }

    protected abstract void Deliver(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous);

    /// <summary>The stream ended (the channel completed, or the handler failed with <paramref name="error"/>); called once, never after <see cref="Dispose"/>.</summary>
    protected virtual void OnCompleted(Exception? error)
    {
    }
}

/// <summary>A byte-level handler (<see cref="MapChannel.SubscribeBytes"/>), held by value so a struct is never boxed.</summary>
internal sealed class SinkSubscription<TSink>(MapChannel channel, TSink sink) : InlineSubscription(channel)
    where TSink : ISnapshotChangeSink
{
    // Not readonly: a struct sink's own state (a count, a position) must survive from one call to the next.
#pragma warning disable IDE0044
    private TSink _sink = sink;
#pragma warning restore IDE0044

    protected override void Deliver(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
        => _sink.OnChange(kind, key, value, previous);
}

/// <summary>A typed handler (<see cref="MapChannel{TKey, TValue}.Subscribe"/>), held by value so a struct is never boxed.</summary>
internal sealed class HandlerSubscription<TKey, TValue, THandler>(MapChannel channel, THandler handler) : InlineSubscription(channel)
    where TKey : unmanaged
    where TValue : unmanaged
    where THandler : IMapChangeHandler<TKey, TValue>
{
    // Not readonly: a struct handler's own state must survive from one call to the next.
#pragma warning disable IDE0044
    private THandler _handler = handler;
#pragma warning restore IDE0044

    protected override void Deliver(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        TValue current = value.IsEmpty ? default : MemoryMarshal.Read<TValue>(value);
        TValue before = previous.IsEmpty ? default : MemoryMarshal.Read<TValue>(previous);
        _handler.OnChange(kind, in MemoryMarshal.AsRef<TKey>(key), in current, in before);
    }
}

/// <summary>
/// An observer called inline (<see cref="MapChannel{TKey, TValue}.ObserveInline(Func{TKey, bool}?)"/>): each change as a
/// <see cref="MapChange{TKey, TValue}"/> passed by value, so a delivered change allocates nothing.
/// </summary>
internal sealed class ObserverSubscription<TKey, TValue>(MapChannel channel, IObserver<MapChange<TKey, TValue>> observer, Func<TKey, bool>? filter)
    : InlineSubscription(channel)
    where TKey : unmanaged
    where TValue : unmanaged
{
    protected override void Deliver(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
    {
        TKey typedKey = MemoryMarshal.Read<TKey>(key);
        if (filter is not null && !filter(typedKey))
        {
            return; // a filter that throws ends the stream with its exception as OnError, as Observe's does
        }

        var change = new MapChange<TKey, TValue>(
            kind,
            typedKey,
            value.IsEmpty ? default : MemoryMarshal.Read<TValue>(value),
            previous.IsEmpty ? default : MemoryMarshal.Read<TValue>(previous));

        // An OnNext that throws: Rx's Create wraps the observer so that it disposes this subscription first (nothing more,
        // not even its own exception as OnError), then the channel unsubscribes it and goes on.
        observer.OnNext(change);
    }

    protected override void OnCompleted(Exception? error)
    {
        if (error is null)
        {
            observer.OnCompleted();
        }
        else
        {
            observer.OnError(error);
        }
    }
}
