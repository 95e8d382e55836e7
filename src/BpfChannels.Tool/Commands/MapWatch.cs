using System.Diagnostics;

namespace BpfChannels.Tool;

/// <summary>The state of a watch: the last two reads of the map, the diff between them and per-key history.</summary>
internal sealed class MapWatch(BpfMap map, EntryFormat format, string? filter, bool sum)
{
    private BpfMapSnapshot _previous = new(map.KeySize, map.ValueBufferSize);
    private BpfMapSnapshot _current = new(map.KeySize, map.ValueBufferSize);

    public EntryFormat Format => format;

    public bool Sum => sum;

    /// <summary>How many current entries the filter lets through.</summary>
    public int Matching()
    {
        int matching = 0;
        for (int i = 0; i < _current.Count; i++)
        {
            matching += Matches(_current.KeyAt(i), _current.ValueAt(i)) ? 1 : 0;
        }

        return matching;
    }

    public BpfMapSnapshot Current => _current;

    /// <summary>Changes reported so far (after the initial listing), counting only those the filter lets through.</summary>
    public long Changes { get; private set; }

    public long Polls { get; private set; }

    public TimeSpan LastPollDuration { get; private set; }

    /// <summary>Per key (hex): when it last changed, how it changed and how many times.</summary>
    public Dictionary<string, KeyHistory> History { get; } = new(StringComparer.Ordinal);

    public void Poll(bool initial)
    {
        long start = Stopwatch.GetTimestamp();
        (_previous, _current) = (_current, _previous);
        _ = map.ReadSnapshot(_current, MapDumpCommand.ReadStrategy(map));
        LastPollDuration = Stopwatch.GetElapsedTime(start);
        Polls++;
        if (initial)
        {
            _previous.CopyFrom(_current);
        }
    }

    /// <summary>Reports the last poll's changes to <paramref name="sink"/> (the whole map as Added for the first).</summary>
    public int Report<TSink>(ref TSink sink, bool initial)
        where TSink : struct, ISnapshotChangeSink
    {
        var filtered = new FilteringSink<TSink>(this, sink, initial);
        if (initial)
        {
            var empty = new BpfMapSnapshot(map.KeySize, map.ValueBufferSize);
            _ = SnapshotDiff.Compare(empty, _current, ref filtered);
        }
        else
        {
            _ = SnapshotDiff.Compare(_previous, _current, ref filtered);
        }

        sink = filtered.Inner;
        return filtered.Count;
    }

    public bool Matches(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        filter is null || format.Text(key, value, sum && !value.IsEmpty).Contains(filter, StringComparison.OrdinalIgnoreCase);

    internal sealed class KeyHistory
    {
        public DateTime LastChange { get; set; }

        public MapChangeKind LastKind { get; set; }

        public long Count { get; set; }

        public DateTime FirstSeen { get; init; }
    }

    private struct FilteringSink<TSink>(MapWatch watch, TSink inner, bool initial) : ISnapshotChangeSink
        where TSink : struct, ISnapshotChangeSink
    {
        public TSink Inner = inner;

        public int Count { get; private set; }

        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
        {
            if (!watch.Matches(key, value.IsEmpty ? previous : value))
            {
                return;
            }

            DateTime now = DateTime.Now;
            string id = Convert.ToHexString(key);
            if (!watch.History.TryGetValue(id, out KeyHistory? history))
            {
                watch.History[id] = history = new KeyHistory { FirstSeen = now };
            }

            if (!initial)
            {
                history.LastChange = now;
                history.LastKind = kind;
                history.Count++;
                watch.Changes++;
            }

            Count++;
            Inner.OnChange(kind, key, value, previous);
        }
    }
}
