using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels.Events;

/// <summary>
/// Where a stream's loop puts the records it drains: copied out of the shared buffer into an array, then handed
/// on a batch at a time (when the array is full, and when a drain ends), so the drain loop stays tight, the
/// buffer's space goes back to the kernel before the subscriber runs, and each record costs one direct call.
/// Allocates only the array, once.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <remarks>Used by one loop thread at a time.</remarks>
internal abstract class RecordBatch<T>
    where T : unmanaged
{
    private readonly T[] _items;
    private int _count;

    private protected RecordBatch(int capacity)
    {
        _items = new T[capacity];
    }

    /// <summary>Copies one record in; hands the batch on when it is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ReadOnlySpan<byte> record)
    {
        T[] items = _items;
        int count = _count;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(items), count) = RecordSinks.As<T>(record);
        _count = ++count;
        if (count == items.Length)
        {
            Flush();
        }
    }

    /// <summary>Hands on the records added since the last flush.</summary>
    /// <remarks>The batch is emptied before they are handed on, so a subscriber that throws loses the rest of its batch and never sees a record twice.</remarks>
    public void Flush()
    {
        int count = _count;
        if (count != 0)
        {
            _count = 0;
            Deliver(new ReadOnlySpan<T>(_items, 0, count));
        }
    }

    /// <summary>Hands on one batch, in order.</summary>
    private protected abstract void Deliver(ReadOnlySpan<T> records);

    /// <summary>Delivers to an observer: one interface call per record, no delegate between.</summary>
    internal sealed class ToObserver(IObserver<T> observer) : RecordBatch<T>(256)
    {
        private protected override void Deliver(ReadOnlySpan<T> records)
        {
            foreach (T record in records)
            {
                observer.OnNext(record);
            }
        }
    }

    /// <summary>Delivers each record as it is drained (a batch of one), for a target whose waiting is the backpressure.</summary>
    internal sealed class ToAction(Action<T> onNext) : RecordBatch<T>(1)
    {
        private protected override void Deliver(ReadOnlySpan<T> records) => onNext(records[0]);
    }
}
