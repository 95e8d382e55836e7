using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BpfChannels.Hosting;

/// <summary>
/// The map channels' instruments on the <c>BpfChannels</c> meter from the application's <see cref="IMeterFactory"/>:
/// the same meter the hosted ring buffers' event instruments use. Names, units and tags are stable and listed in
/// docs/metrics.md; every measurement carries the channel's name as <c>bpf.map.name</c>.
/// </summary>
internal sealed class BpfChannelsMetrics
{
    public const string MeterName = "BpfChannels";

    public const string MapTag = "bpf.map.name";

    public const string ErrorTypeTag = "error.type";

    public const string StateTag = "bpfchannels.channel.state";

    /// <summary>
    /// Poll duration buckets in seconds: 10 us to 10 s. A poll of a small map takes a few microseconds, a full read
    /// of a large one tens of milliseconds, so the default buckets (which start at 5 ms) would put almost every poll
    /// in the first one.
    /// </summary>
    public static readonly IReadOnlyList<double> PollDurationBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

    private readonly Counter<long> _polls;
    private readonly Counter<long> _pollFailures;
    private readonly Histogram<double> _pollDuration;
    private readonly Counter<long> _changes;
    private readonly Counter<long> _relists;
    private readonly Func<BpfChannelRegistry?> _registry;

    /// <param name="meterFactory">The application's meter factory.</param>
    /// <param name="registry">Gives the registry for the observable instruments (it is created after this).</param>
    public BpfChannelsMetrics(IMeterFactory meterFactory, Func<BpfChannelRegistry?> registry)
    {
        _registry = registry;
        MeterFactory = meterFactory;
        Meter = meterFactory.Create(new MeterOptions(MeterName));
        _polls = Meter.CreateCounter<long>("bpfchannels.polls", "{poll}", "Polls that read a map.");
        _pollFailures = Meter.CreateCounter<long>("bpfchannels.poll.failures", "{poll}", "Polls that failed; error.type is the exception type or the errno name.");
        _pollDuration = Meter.CreateHistogram(
            "bpfchannels.poll.duration",
            "s",
            "How long reading and diffing a map took.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PollDurationBuckets });
        _changes = Meter.CreateCounter<long>("bpfchannels.changes", "{change}", "Changes found by polls (re-lists included).");
        _relists = Meter.CreateCounter<long>("bpfchannels.relists", "{relist}", "Re-lists: a channel read a new map (a replaced pin, a reopened map) and delivered the differences.");
        Meter.CreateObservableCounter("bpfchannels.writes", () => Observe(c => c.Writes), "{write}", "Writes applied or failed.");
        Meter.CreateObservableCounter("bpfchannels.write.failures", () => Observe(c => c.WriteFailures), "{write}", "Writes that failed.");
        Meter.CreateObservableCounter("bpfchannels.reconciled.changes", () => Observe(c => c.ReconciledChanges), "{change}", "Changes of notified channels found only by reconciliation: writes that sent no change notice.");
        Meter.CreateObservableCounter("bpfchannels.drops", () => Observe(c => c.DroppedChanges), "{change}", "Changes dropped because a subscriber's buffer was full.");
        Meter.CreateObservableUpDownCounter("bpfchannels.subscribers", () => Observe(c => c.SubscriberCount), "{subscriber}", "Current subscribers of each channel.");
        Meter.CreateObservableUpDownCounter("bpfchannels.channels", ObserveStates, "{channel}", "Map channels by state: waiting, polling, idle, failing, reopening, stopped.");
    }

    public Meter Meter { get; }

    /// <summary>The factory of <see cref="Meter"/>, for readers that count on the same meter (the change rings' notifiers).</summary>
    public IMeterFactory MeterFactory { get; }

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

    public void PollFailed(string map, Exception error)
        => _pollFailures.Add(1, new TagList { { MapTag, map }, { ErrorTypeTag, error is BpfException bpf ? bpf.ErrorName : error.GetType().FullName } });

    public void Relisted(string map) => _relists.Add(1, new TagList { { MapTag, map } });

    /// <summary>The state name a channel is counted under in <c>bpfchannels.channels</c>.</summary>
    internal static string StateName(HostedMapChannel hosted) => hosted.Read().Phase switch
    {
        HostedMapChannelPhase.Waiting => "waiting",
        HostedMapChannelPhase.Failing => "failing",
        HostedMapChannelPhase.Reopening => "reopening",
        HostedMapChannelPhase.Stopped => "stopped",
        _ => hosted.Channel.IsObserved ? "polling" : "idle",
    };

    private IEnumerable<Measurement<long>> Observe(Func<MapChannel, long> read)
    {
        foreach (HostedMapChannel hosted in _registry()?.Opened ?? [])
        {
            yield return new Measurement<long>(read(hosted.Channel), new KeyValuePair<string, object?>(MapTag, hosted.Name));
        }
    }

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        foreach (HostedMapChannel hosted in _registry()?.Opened ?? [])
        {
            yield return new Measurement<int>(1, new KeyValuePair<string, object?>(MapTag, hosted.Name), new KeyValuePair<string, object?>(StateTag, StateName(hosted)));
        }
    }
}
