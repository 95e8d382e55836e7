using System.Diagnostics.Metrics;

namespace BpfChannels.Events;

/// <summary>The event readers' instruments on the "BpfChannels" meter (names are stable).</summary>
internal static class EventMetrics
{
    /// <summary>The tag naming the map on every measurement, the same as the Hosting package's instruments use.</summary>
    public const string MapTag = "bpf.map.name";

    public static readonly Meter Meter = new("BpfChannels");

    /// <summary>Samples the kernel dropped because a perf ring was full.</summary>
    public static readonly Counter<long> LostSamples = Meter.CreateCounter<long>("bpfchannels.events.lost_samples", "{sample}", "Samples the kernel could not store because a perf buffer was full.");

    /// <summary>Records handed to consumers.</summary>
    public static readonly Counter<long> Records = Meter.CreateCounter<long>("bpfchannels.events.records", "{record}", "Records read from ring and perf buffers.");

    /// <summary>Buffer space handed back to the kernel (records with their headers and padding).</summary>
    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>("bpfchannels.events.bytes", "By", "Bytes of ring and perf buffer space consumed, headers included.");

    /// <summary>User ring buffer messages rejected because the buffer was full.</summary>
    public static readonly Counter<long> WriteRejections = Meter.CreateCounter<long>("bpfchannels.events.user_ringbuf.full", "{message}", "User ring buffer reservations refused for lack of space.");

    /// <summary>Counts one drain of a buffer; free when nobody listens.</summary>
    public static void Consumed(string map, int records, long bytes)
    {
        if (records != 0 && Records.Enabled)
        {
            Records.Add(records, new KeyValuePair<string, object?>(EventMetrics.MapTag, map));
        }

        if (bytes != 0 && Bytes.Enabled)
        {
            Bytes.Add(bytes, new KeyValuePair<string, object?>(EventMetrics.MapTag, map));
        }
    }
}
