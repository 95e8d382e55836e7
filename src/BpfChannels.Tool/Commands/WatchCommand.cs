using System.Text;

namespace BpfChannels.Tool;

/// <summary>
/// <c>watch</c>: the map's entries, then every change, through the library's byte-level <see cref="MapChannel"/>
/// (<see cref="MapChannel.Create"/>): polled every <c>--interval</c> (each poll reads the map the cheapest way it allows
/// and diffs it), or with <c>--notified</c> from the change notices the map's programs publish to their
/// <c>bpfchan_changes</c> ring, with a full read every <c>--interval</c> for writes that sent none. A live table on a
/// terminal, lines otherwise.
/// </summary>
/// <remarks>
/// <c>--notified</c> is asked for, never assumed: a ring buffer has one consumer, so while the watch reads the ring the
/// program's own notified channels (which read it too) lose the notices the watch takes, until their reconciliation.
/// </remarks>
internal static class WatchCommand
{
    public static async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        using BpfMap map = MapTarget.Open(context.Words, BpfPinAccess.ReadOnly);
        context.Words.ExpectEnd(context.Name);
        EntryFormat format = context.FormatFor(map, out BpfMapInfo info);
        if (MapKinds.WhyNotIterable(info) is { } reason)
        {
            throw new UsageException(reason);
        }

        int interval = context.Get(BpfChanCli.IntervalOption);
        int? count = context.Get(BpfChanCli.CountOption);
        if (interval <= 0 || count <= 0)
        {
            throw new UsageException(interval <= 0 ? $"--interval needs a positive number of milliseconds, not {interval}." : $"--count needs a positive number, not {count}.");
        }

        TimeSpan period = TimeSpan.FromMilliseconds(interval);
        MapChangeNotifier? notifier = context.Get(BpfChanCli.NotifiedOption) ? OpenNotifier(map, info) : null;
        string? filter = context.Get(BpfChanCli.FilterOption);
        if (context.Terminal && !context.Json)
        {
            using var table = new MapWatch(map, format, filter, context.Sum, notifier, period);
            return await LiveTable.RunAsync(table, period, count, cancellationToken).ConfigureAwait(false);
        }

        using JsonOutput? json = context.Json ? new JsonOutput(context.Out, pretty: false) : null;
        var lines = new LineSink(context, format, json);
        // Polled, the watch writes the lines as the channel finds the changes; notified, Report writes what it queued.
        using var watch = new MapWatch(map, format, filter, context.Sum, notifier, period, lines);
        watch.Report(ref lines, initial: true);
        await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (count is not { } limit || watch.Changes < limit)
            {
                await watch.NextAsync(timer, period, cancellationToken).ConfigureAwait(false);
                watch.Report(ref lines, initial: false);
                await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or the caller stopped the watch: a normal end.
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// The change ring of the programs that use <paramref name="map"/>: a ring buffer named <c>bpfchan_changes</c> and
    /// its lost counter <c>bpfchan_lost</c> among the maps of a program that also uses the watched map (what
    /// <c>BPFCHAN_CHANGES</c> declares in the program's object).
    /// </summary>
    private static MapChangeNotifier OpenNotifier(BpfMap map, BpfMapInfo info)
    {
        Dictionary<uint, BpfMapInfo>? maps = null;
        foreach (BpfProgramInfo program in BpfProgramInfo.GetAll())
        {
            if (!program.MapIds.Contains(info.Id))
            {
                continue;
            }

            BpfMap? ring = null;
            BpfMap? lost = null;
            foreach (uint id in program.MapIds)
            {
                maps ??= BpfMapInfo.GetAll().ToDictionary(m => m.Id);
                if (!maps.TryGetValue(id, out BpfMapInfo? other))
                {
                    continue; // gone since the program was listed
                }

                if (other.Name == MapChangeNotifier.RingName && other.Type == BpfMapType.RingBuffer)
                {
                    ring ??= BpfMap.OpenById(id);
                }
                else if (other.Name == MapChangeNotifier.LostCounterName && other.Type == BpfMapType.Array)
                {
                    lost ??= BpfMap.OpenById(id, BpfPinAccess.ReadOnly);
                }
            }

            if (ring is not null && lost is not null)
            {
                return new MapChangeNotifier(ring, lost);
            }

            ring?.Dispose();
            lost?.Dispose();
        }

        throw new UsageException($"--notified: no program that uses map '{map.Name}' (id {info.Id}) has a '{MapChangeNotifier.RingName}' ring and a '{MapChangeNotifier.LostCounterName}' counter (BPFCHAN_CHANGES); watch it without --notified.");
    }

    /// <summary>Writes each change as a line: "Updated KEY: VALUE (was OLD)", or one JSON object per line.</summary>
    private readonly struct LineSink(CommandContext context, EntryFormat format, JsonOutput? json) : ISnapshotChangeSink
    {
        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
        {
            if (json is not null)
            {
                format.WriteChange(json.Writer, kind, key, value, previous, context.Sum);
                json.CompleteLine();
                return;
            }

            var text = new StringBuilder(kind.ToString()).Append(' ');
            text.Append(format.Text(key, value.IsEmpty ? previous : value, context.Sum));
            if (kind == MapChangeKind.Updated)
            {
                text.Append(" (was ").Append(format.ValueText(previous, context.Sum)).Append(')');
            }

            context.Out.WriteLine(text.ToString());
        }
    }
}
