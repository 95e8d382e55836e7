using System.Threading.Channels;
using BpfChannels.Events;

namespace BpfChannels;

/// <summary>A reader of a ring buffer or perf event array whose records are <typeparamref name="T"/> (see <see cref="BpfRecordBuffer{T}"/>).</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <remarks>The streams follow <see cref="EventBufferReader"/>: one consumer at a time; <see cref="Dispose"/> is thread-safe.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfRecordReader<T> : IDisposable
    where T : unmanaged
{
    internal BpfRecordReader(EventBufferReader reader)
    {
        Reader = reader;
    }

    /// <summary>The untyped reader (<see cref="RingBufferReader"/> or <see cref="PerfEventArrayReader"/>), for lost-sample counts and span consumers.</summary>
    public EventBufferReader Reader { get; }

    /// <summary>The records as an observable; see <see cref="EventBufferReader.Observe{TRecord}"/>.</summary>
    /// <returns>A cold observable; one subscription at a time.</returns>
    public IObservable<T> Observe() => Reader.Observe<T>();

    /// <summary>The records as a channel; see <see cref="EventBufferReader.OpenReader{TRecord}"/>.</summary>
    /// <param name="capacity">How many records may wait in the channel before the loop stops reading.</param>
    /// <param name="cancellationToken">Stops the loop and completes the channel.</param>
    /// <returns>The channel's reader.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public ChannelReader<T> OpenReader(int capacity = 4096, CancellationToken cancellationToken = default) => Reader.OpenReader<T>(capacity, cancellationToken);

    /// <summary>The records as an async stream; see <see cref="EventBufferReader.ReadAllAsync{TRecord}"/>.</summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The records in order.</returns>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => Reader.ReadAllAsync<T>(cancellationToken);

    /// <summary>Completes the streams and unmaps the buffer.</summary>
    public void Dispose() => Reader.Dispose();
}
