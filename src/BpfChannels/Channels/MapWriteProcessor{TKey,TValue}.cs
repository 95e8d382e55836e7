using System.Runtime.InteropServices;
using System.Threading.Channels;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// Applies the writes queued on a map channel, in order, on one background task: runs of batchable updates
/// (flags Any or Lock) go through BPF_MAP_UPDATE_BATCH, everything else one syscall per write.
/// </summary>
internal sealed class MapWriteProcessor<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    private bool _outcomesCompleted;
    private BpfMap _map = null!; // set before the loop applies its first write (see WaitForMapAsync)
    private readonly TaskCompletionSource _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<Pending> _queue;
    private readonly Pending[] _batch;
    private readonly byte[] _keys;
    private readonly byte[] _values;
    private readonly byte[] _single;
    private readonly Lock _observersLock = new();
    private IObserver<MapWriteOutcome<TKey, TValue>>[] _observers = [];
    private bool _batchUnsupported;
    private long _writes;
    private long _failures;

    /// <summary>A processor for <paramref name="map"/>, or for the map a later <see cref="Bind"/> gives (writes wait until then).</summary>
    public MapWriteProcessor(BpfMap? map, int keySize, int valueBufferSize, MapChannelOptions options)
    {
        if (map is not null)
        {
            Bind(map);
        }

        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.WriteCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _batch = new Pending[options.MaxWriteBatch];
        _keys = new byte[options.MaxWriteBatch * keySize];
        _values = new byte[options.MaxWriteBatch * valueBufferSize];
        _single = new byte[valueBufferSize];
        Writer = new QueueWriter(this);
        Completion = Task.Run(RunAsync);
    }

    public ChannelWriter<MapWrite<TKey, TValue>> Writer { get; }

    /// <summary>Completes when the queue is completed and every queued write has its outcome.</summary>
    public Task Completion { get; }

    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Called with every outcome on the writing task before anyone else hears of it (a notified channel's state update).</summary>
    public Action<MapWriteOutcome<TKey, TValue>>? Applied { get; set; }

    public long Failures => Interlocked.Read(ref _failures);

    public Task<MapWriteOutcome<TKey, TValue>> WriteAsync(MapWrite<TKey, TValue> write, CancellationToken cancellationToken)
    {
        write.Validate(); // thrown to the caller, not stored in the task
        return WriteCoreAsync(write, cancellationToken);
    }

    private async Task<MapWriteOutcome<TKey, TValue>> WriteCoreAsync(MapWrite<TKey, TValue> write, CancellationToken cancellationToken)
    {
        var outcome = new TaskCompletionSource<MapWriteOutcome<TKey, TValue>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(write, outcome), cancellationToken).ConfigureAwait(false);
        return await outcome.Task.ConfigureAwait(false);
    }

    public bool TryComplete()
    {
        bool completed = _queue.Writer.TryComplete();

        // A channel completed before it ever had a map: its queued writes can never be applied.
        _bound.TrySetCanceled();
        return completed;
    }

    /// <summary>Sends the next writes to <paramref name="map"/>; the first call releases writes queued while there was no map.</summary>
    public void Bind(BpfMap map)
    {
        Volatile.Write(ref _map, map);
        _bound.TrySetResult();
    }

    public IDisposable Subscribe(IObserver<MapWriteOutcome<TKey, TValue>> observer)
    {
        lock (_observersLock)
        {
            if (!_outcomesCompleted)
            {
                _observers = [.. _observers, observer];
                return new Unsubscriber(this, observer);
            }
        }

        // The stream is already over: a late subscriber is told so at once.
        observer.OnCompleted();
        return new Unsubscriber(this, observer);
    }

    private void Remove(IObserver<MapWriteOutcome<TKey, TValue>> observer)
    {
        lock (_observersLock)
        {
            int i = Array.IndexOf(_observers, observer);
            if (i >= 0)
            {
                _observers = [.. _observers.AsSpan(0, i), .. _observers.AsSpan(i + 1)];
            }
        }
    }

    private async Task RunAsync()
    {
        ChannelReader<Pending> reader = _queue.Reader;
        if (!await WaitForMapAsync().ConfigureAwait(false))
        {
            FailUnbound(reader);
            return;
        }

        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out Pending pending))
            {
                if (!pending.Write.IsBatchable || _batchUnsupported)
                {
                    ApplySingle(pending);
                    continue;
                }

                int n = 0;
                _batch[n++] = pending;
                while (n < _batch.Length && reader.TryPeek(out Pending next) && next.Write.IsBatchable
                    && next.Write.Flags == pending.Write.Flags && reader.TryRead(out next))
                {
                    _batch[n++] = next;
                }

                ApplyBatch(n);
                _batch.AsSpan(0, n).Clear();
            }
        }

        CompleteOutcomes();
    }

    /// <summary>Nothing is queued any more: tells outcome observers the stream is over.</summary>
    private void CompleteOutcomes()
    {
        IObserver<MapWriteOutcome<TKey, TValue>>[] observers;
        lock (_observersLock)
        {
            _outcomesCompleted = true;
            observers = _observers;
        }

        foreach (IObserver<MapWriteOutcome<TKey, TValue>> observer in observers)
        {
            try
            {
                observer.OnCompleted();
            }
            catch (Exception)
            {
                // An observer's failure is its own; the others still complete.
            }
        }
    }

    /// <summary>Waits until the channel has a map; <see langword="false"/> when it completed without ever getting one.</summary>
    private async Task<bool> WaitForMapAsync()
    {
        try
        {
            await _bound.Task.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return Volatile.Read(ref _map) is not null;
        }
    }

    /// <summary>Reports every write queued on a channel that completed without ever having a map: EBADF, there was no descriptor to write to.</summary>
    private void FailUnbound(ChannelReader<Pending> reader)
    {
        while (reader.TryRead(out Pending pending))
        {
            Report(pending, EBADF);
        }

        CompleteOutcomes();
    }

    private void ApplySingle(in Pending pending)
    {
        MapWrite<TKey, TValue> write = pending.Write;
        TKey key = write.Key;
        int err;
        try
        {
            if (write.Kind == MapWriteKind.Delete)
            {
                err = _map.DeleteCore(Bytes(in key));
            }
            else
            {
                StoreValue(_single, write.Value);
                err = _map.UpdateCore(Bytes(in key), _single, (ulong)write.Flags);
            }
        }
        catch (ObjectDisposedException)
        {
            err = EBADF;
        }

        Report(pending, err);
    }

    private void ApplyBatch(int n)
    {
        if (n == 1)
        {
            ApplySingle(_batch[0]);
            return;
        }

        int keySize = _map.KeySize;
        int valueSize = _map.ValueBufferSize;
        for (int i = 0; i < n; i++)
        {
            MemoryMarshal.Write(_keys.AsSpan(i * keySize), _batch[i].Write.Key);
            StoreValue(_values.AsSpan(i * valueSize, valueSize), _batch[i].Write.Value);
        }

        ulong flags = (ulong)_batch[0].Write.Flags;
        int start = 0;
        while (start < n)
        {
            int done = n - start;
            int first = start;
            int err;
            try
            {
                err = _map.UpdateBatchCore(_keys.AsSpan(first * keySize, done * keySize), _values.AsSpan(first * valueSize, done * valueSize), ref done, flags);
            }
            catch (ObjectDisposedException)
            {
                err = EBADF;
                done = 0;
            }

            for (int i = start; i < start + done; i++)
            {
                Report(_batch[i], 0);
            }

            start += done;
            if (err == 0)
            {
                return;
            }

            if ((done == 0 && err is ENOTSUPP or EOPNOTSUPP) || err == EBADF)
            {
                // Map types without batch support (or a closed map): this and every later write go one at a
                // time, each with its own outcome.
                _batchUnsupported |= err != EBADF;
                for (; start < n; start++)
                {
                    ApplySingle(_batch[start]);
                }

                return;
            }

            // The batch stopped at element 'start'; applying it alone gives its own errno (or applies it, if
            // the failure was the batch's and not the element's). The rest are batched again.
            ApplySingle(_batch[start]);
            start++;
        }
    }

    private void Report(in Pending pending, int errno)
    {
        Interlocked.Increment(ref _writes);
        if (errno != 0)
        {
            Interlocked.Increment(ref _failures);
        }

        var outcome = new MapWriteOutcome<TKey, TValue>(pending.Write, (BpfError)errno);
        Applied?.Invoke(outcome); // before the writer hears of it, so its channel's state already has the write
        pending.Outcome?.TrySetResult(outcome);
        foreach (IObserver<MapWriteOutcome<TKey, TValue>> observer in Volatile.Read(ref _observers))
        {
            try
            {
                observer.OnNext(outcome);
            }
            catch (Exception)
            {
                // A throwing observer is unsubscribed; the writes and the other observers go on.
                Remove(observer);
            }
        }
    }

    /// <summary>Lays a value out as the map stores it: as is, or on every CPU (8-byte aligned) for per-CPU maps.</summary>
    private void StoreValue(Span<byte> destination, TValue value)
    {
        if (!_map.IsPerCpu)
        {
            MemoryMarshal.Write(destination, in value);
            return;
        }

        int stride = BpfMap.PerCpuStride(_map.ValueSize);
        for (int offset = 0; offset < destination.Length; offset += stride)
        {
            MemoryMarshal.Write(destination.Slice(offset), in value);
        }
    }

    private static ReadOnlySpan<byte> Bytes<T>(ref readonly T value)
        where T : unmanaged
        => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    private readonly record struct Pending(MapWrite<TKey, TValue> Write, TaskCompletionSource<MapWriteOutcome<TKey, TValue>>? Outcome);

    private sealed class Unsubscriber(MapWriteProcessor<TKey, TValue> owner, IObserver<MapWriteOutcome<TKey, TValue>> observer) : IDisposable
    {
        public void Dispose() => owner.Remove(observer);
    }

    /// <summary>The public writer: validates each write and queues it without an awaiter (its outcome goes to the outcome stream).</summary>
    private sealed class QueueWriter(MapWriteProcessor<TKey, TValue> owner) : ChannelWriter<MapWrite<TKey, TValue>>
    {
        public override bool TryWrite(MapWrite<TKey, TValue> item)
        {
            item.Validate();
            return owner._queue.Writer.TryWrite(new Pending(item, null));
        }

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default)
            => owner._queue.Writer.WaitToWriteAsync(cancellationToken);

        public override ValueTask WriteAsync(MapWrite<TKey, TValue> item, CancellationToken cancellationToken = default)
        {
            item.Validate();
            return owner._queue.Writer.WriteAsync(new Pending(item, null), cancellationToken);
        }

        // The channel owns completion (MapChannel.CompleteAsync), so writers sharing it cannot close it for each other.
        public override bool TryComplete(Exception? error = null) => false;
    }
}
