using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BpfChannels.Hosting;

/// <summary>
/// The <c>BpfChannels</c> meter. Instrument names are stable; every measurement carries the map's name as
/// <c>bpf.map.name</c>.
/// </summary>
internal sealed class BpfChannelsMetrics : IDisposable
{
    public const string MeterName = "BpfChannels";

    private const string MapTag = "bpf.map.name";

    private readonly Counter<long> _polls;
    private readonly Counter<long> _pollFailures;
    private readonly Histogram<double> _pollDuration;
    private readonly Counter<long> _changes;
    private readonly BpfChannelRegistry _registry;
    private readonly bool _ownsMeter;

    public BpfChannelsMetrics(IMeterFactory? meterFactory, BpfChannelRegistry registry)
    {
        _registry = registry;
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _polls = Meter.CreateCounter<long>("bpfchannels.polls", "{poll}", "Polls that read a map.");
        _pollFailures = Meter.CreateCounter<long>("bpfchannels.poll.failures", "{poll}", "Polls that failed.");
        _pollDuration = Meter.CreateHistogram<double>("bpfchannels.poll.duration", "s", "How long reading and diffing a map took.");
        _changes = Meter.CreateCounter<long>("bpfchannels.changes", "{change}", "Changes found by polls.");
        Meter.CreateObservableCounter("bpfchannels.writes", () => Observe(c => c.Writes), "{write}", "Writes applied or failed.");
        Meter.CreateObservableCounter("bpfchannels.write.failures", () => Observe(c => c.WriteFailures), "{write}", "Writes that failed.");
        Meter.CreateObservableCounter("bpfchannels.drops", () => Observe(c => c.DroppedChanges), "{change}", "Changes dropped because a subscriber's buffer was full.");
    }

    public Meter Meter { get; }

    public void Polled(string map, TimeSpan duration, int changes)
    {
        var tags = new TagList { { MapTag, map } };
        _polls.Add(1, tags);
        _pollDuration.Record(duration.TotalSeconds, tags);
        if (changes > 0)
        {
            _changes.Add(changes, tags);
        }
    }

    public void PollFailed(string map) => _pollFailures.Add(1, new TagList { { MapTag, map } });

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private IEnumerable<Measurement<long>> Observe(Func<MapChannel, long> read)
    {
        foreach (MapChannelState state in _registry.Opened)
        {
            yield return new Measurement<long>(read(state.Channel), new KeyValuePair<string, object?>(MapTag, state.Name));
        }
    }
}
