using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace BpfChannels.Events;

/// <summary>
/// The event readers' instruments on the <c>BpfChannels</c> meter (names are stable; see docs/metrics.md). With an
/// <see cref="IMeterFactory"/> (a hosted application's) they live on the meter that factory gives for
/// <c>BpfChannels</c>, the same meter the Hosting package's instruments use; without one, on a process-wide meter
/// created at first use.
/// </summary>
/// <remarks>
/// Readers reach their instance through a property named <c>EventMetrics</c>, so call sites read
/// <c>EventMetrics.Consumed(...)</c> whichever meter is behind it. Thread-safe.
/// </remarks>
internal sealed class EventMetrics
{
    /// <summary>The meter's name, shared with the Hosting package.</summary>
    public const string MeterName = "BpfChannels";

    /// <summary>The tag naming the map on every measurement, the same as the Hosting package's instruments use.</summary>
    public const string MapTag = "bpf.map.name";

    // One instance per factory: the factory caches the meter, and this caches the instruments created on it.
    private static readonly ConditionalWeakTable<IMeterFactory, EventMetrics> ByFactory = [];
    private static EventMetrics? s_standalone;

    private EventMetrics(Meter meter)
    {
        LostSamples = meter.CreateCounter<long>("bpfchannels.events.lost_samples", "{sample}", "Samples the kernel could not store because a perf buffer was full.");
        Records = meter.CreateCounter<long>("bpfchannels.events.records", "{record}", "Records read from ring and perf buffers.");
        Bytes = meter.CreateCounter<long>("bpfchannels.events.bytes", "By", "Bytes of ring and perf buffer space consumed, headers included.");
        WriteRejections = meter.CreateCounter<long>("bpfchannels.events.user_ringbuf.full", "{message}", "User ring buffer reservations refused for lack of space.");
    }

    /// <summary>Samples the kernel dropped because a perf ring was full.</summary>
    public Counter<long> LostSamples { get; }

    /// <summary>Records handed to consumers.</summary>
    public Counter<long> Records { get; }

    /// <summary>Buffer space handed back to the kernel (records with their headers and padding).</summary>
    public Counter<long> Bytes { get; }

    /// <summary>User ring buffer messages rejected because the buffer was full.</summary>
    public Counter<long> WriteRejections { get; }

    /// <summary>The instruments on <paramref name="factory"/>'s <c>BpfChannels</c> meter, or on the process-wide meter when it is <see langword="null"/>.</summary>
    public static EventMetrics For(IMeterFactory? factory)
        => factory is null
            ? LazyInitializer.EnsureInitialized(ref s_standalone, static () => new EventMetrics(new Meter(MeterName)))
            : ByFactory.GetValue(factory, static f => new EventMetrics(f.Create(new MeterOptions(MeterName))));

    /// <summary>Counts one drain of a buffer; free when nobody listens.</summary>
    public void Consumed(string map, int records, long bytes)
    {
        if (records != 0 && Records.Enabled)
        {
            Records.Add(records, new KeyValuePair<string, object?>(MapTag, map));
        }

        if (bytes != 0 && Bytes.Enabled)
        {
            Bytes.Add(bytes, new KeyValuePair<string, object?>(MapTag, map));
        }
    }
}
