using System.Text;

namespace BpfChannels.Tool;

/// <summary>
/// <c>watch</c>: the map's entries, then every change. Each poll reads the map the cheapest way it allows
/// (<see cref="BpfMap.ReadSnapshot"/>) and the library's <see cref="SnapshotDiff"/> finds what changed, the same
/// read and diff a <see cref="MapChannel{TKey, TValue}"/> polls with. A live table on a terminal, lines otherwise.
/// </summary>
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

        var watch = new MapWatch(map, format, context.Get(BpfChanCli.FilterOption), context.Sum);
        watch.Poll(initial: true);
        if (context.Terminal && !context.Json)
        {
            return await LiveTable.RunAsync(watch, TimeSpan.FromMilliseconds(interval), count, cancellationToken).ConfigureAwait(false);
        }

        using JsonOutput? json = context.Json ? new JsonOutput(context.Out, pretty: false) : null;
        var lines = new LineSink(context, format, json);
        watch.Report(ref lines, initial: true);
        await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(interval));
        try
        {
            while (count is not { } limit || watch.Changes < limit)
            {
                _ = await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                watch.Poll(initial: false);
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
