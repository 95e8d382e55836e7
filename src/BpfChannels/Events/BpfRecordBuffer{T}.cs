using BpfChannels.Events;

namespace BpfChannels;

/// <summary>
/// A ring buffer, perf event array or user ring buffer whose records are <typeparamref name="T"/>: what the generated
/// bindings expose for a buffer map named in <c>RecordTypes</c>.
/// </summary>
/// <typeparam name="T">The record type, laid out as the BPF program writes (or, for a user ring buffer, reads) it.</typeparam>
/// <remarks>A thin typed view: the map stays owned by whoever owns <see cref="Map"/>. Thread-safe; each reader or writer it opens has its own rules.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfRecordBuffer<T>
    where T : unmanaged
{
    /// <summary>Wraps <paramref name="map"/>.</summary>
    /// <param name="map">A map of type <see cref="BpfMapType.RingBuffer"/>, <see cref="BpfMapType.PerfEventArray"/> or <see cref="BpfMapType.UserRingBuffer"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">The map is of another type.</exception>
    public BpfRecordBuffer(BpfMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type is not (BpfMapType.RingBuffer or BpfMapType.PerfEventArray or BpfMapType.UserRingBuffer))
        {
            throw new ArgumentException($"Map '{map.Name}' is a {map.Type} map, not a ring buffer, perf event array or user ring buffer.", nameof(map));
        }

        Map = map;
    }

    /// <summary>The buffer's map.</summary>
    public BpfMap Map { get; }

    /// <summary>
    /// Opens a reader of the records: a <see cref="RingBufferReader"/> for a ring buffer (Linux 5.8+), a
    /// <see cref="PerfEventArrayReader"/> for a perf event array.
    /// </summary>
    /// <param name="pagesPerCpu">For a perf event array: the pages of each CPU's buffer (a power of two); ignored for a ring buffer.</param>
    /// <returns>The reader; dispose it to unmap the buffer.</returns>
    /// <exception cref="InvalidOperationException">The map is a user ring buffer, which user space writes (<see cref="OpenWriter"/>).</exception>
    /// <exception cref="BpfException">Mapping the buffer failed.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public BpfRecordReader<T> OpenReader(int pagesPerCpu = 8) => Map.Type switch
    {
        BpfMapType.RingBuffer => new BpfRecordReader<T>(new RingBufferReader(Map)),
        BpfMapType.PerfEventArray => new BpfRecordReader<T>(new PerfEventArrayReader(Map, pagesPerCpu)),
        _ => throw new InvalidOperationException($"Map '{Map.Name}' is a user ring buffer: user space writes it; open a writer."),
    };

    /// <summary>Opens a writer of a user ring buffer (Linux 6.1+); write records with <see cref="UserRingBufferWriter.TryWrite{TMessage}(in TMessage)"/>.</summary>
    /// <returns>The writer; dispose it to unmap the buffer.</returns>
    /// <exception cref="InvalidOperationException">The map is a ring buffer or perf event array, which the kernel writes (<see cref="OpenReader"/>).</exception>
    /// <exception cref="BpfException">Mapping the buffer failed.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public UserRingBufferWriter OpenWriter() => Map.Type == BpfMapType.UserRingBuffer
        ? new UserRingBufferWriter(Map)
        : throw new InvalidOperationException($"Map '{Map.Name}' is a {Map.Type} map: the kernel writes it; open a reader.");

    /// <inheritdoc/>
    public override string ToString() => $"{Map} of {typeof(T).Name}";
}
