using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BpfChannels.Tool;

/// <summary>
/// watch on a terminal: a table redrawn after every poll (or, notified, as changes arrive) with each entry's value, when and how it last changed,
/// how often it changes, and the cells that changed in the last poll highlighted. Colours follow NO_COLOR.
/// </summary>
internal static class LiveTable
{
    private static readonly Style Changed = new(Color.Yellow, decoration: Decoration.Bold);
    private static readonly Style Removed = new(Color.Red, decoration: Decoration.Strikethrough);

    public static async Task<int> RunAsync(MapWatch watch, TimeSpan interval, int? count, CancellationToken cancellationToken)
    {
        IAnsiConsole console = AnsiConsole.Console;
        var recent = new RecentSink(watch.Format, watch.Sum, new Dictionary<string, MapChangeKind>(StringComparer.Ordinal), new List<(string Key, string Value)>());
        await console.Live(Render(watch, recent, interval, console)).AutoClear(false).StartAsync(async live =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (count is not { } limit || watch.Changes < limit)
                {
                    await watch.NextAsync(timer, interval, cancellationToken).ConfigureAwait(false);
                    recent.Kinds.Clear();
                    recent.Removed.Clear();
                    _ = watch.Report(ref recent, initial: false);
                    live.UpdateTarget(Render(watch, recent, interval, console));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: leave the last table on the screen.
            }
        }).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static Table Render(MapWatch watch, RecentSink recent, TimeSpan interval, IAnsiConsole console)
    {
        EntryFormat format = watch.Format;
        BpfMapInfo info = format.Info;
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumns("Key", "Value", "Last change", "Changes", "Per second");
        int rows = Math.Max(3, console.Profile.Height - 8);
        BpfMapSnapshot snapshot = watch.Current;
        DateTime now = DateTime.Now;
        int shown = 0;
        for (int i = 0; i < snapshot.Count && shown < rows; i++)
        {
            ReadOnlySpan<byte> key = snapshot.KeyAt(i);
            ReadOnlySpan<byte> value = snapshot.ValueAt(i);
            if (!watch.Matches(key, value))
            {
                continue;
            }

            string id = Convert.ToHexString(key);
            bool changed = recent.Kinds.ContainsKey(id);
            watch.History.TryGetValue(id, out MapWatch.KeyHistory? history);
            Style style = changed ? Changed : Style.Plain;
            table.AddRow(
                new Text(info.KeySize == 0 ? "-" : format.KeyText(key)),
                new Text(format.ValueText(value, watch.Sum), style),
                new Text(history is { Count: > 0 } ? $"{history.LastKind} {Ago(now - history.LastChange)}" : "-", style),
                new Text(history?.Count.ToString(CultureInfo.InvariantCulture) ?? "0"),
                new Text(history is { Count: > 0 } ? Rate(history, now) : "-"));
            shown++;
        }

        foreach ((string key, string value) in recent.Removed)
        {
            if (shown++ < rows)
            {
                table.AddRow(new IRenderable[] { new Text(key, Removed), new Text(value, Removed), new Text("Removed just now", Changed), new Text("-"), new Text("-") });
            }
        }

        int matching = watch.Matching();
        table.Caption($"{Markup.Escape(info.Name)} ({BpfMapTypeNames.GetName(info.Type)}): {matching} entries{(shown < matching ? $", first {shown} shown" : string.Empty)}, "
            + $"{watch.Changes} changes, " + (watch.IsNotified
                ? $"notified by the map's programs, read in full every {interval.TotalMilliseconds:0} ms. Ctrl+C stops."
                : $"read in {watch.LastPollDuration.TotalMilliseconds:0.0} ms every {interval.TotalMilliseconds:0} ms. Ctrl+C stops."));
        return table;
    }

    private static string Ago(TimeSpan elapsed) => elapsed.TotalSeconds < 1 ? "just now" : elapsed.TotalSeconds < 120 ? $"{elapsed.TotalSeconds:0}s ago" : $"{elapsed.TotalMinutes:0}m ago";

    private static string Rate(MapWatch.KeyHistory history, DateTime now)
    {
        double seconds = Math.Max(1, (now - history.FirstSeen).TotalSeconds);
        return (history.Count / seconds).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>Remembers which keys the last poll changed, for highlighting, and what it removed.</summary>
    private readonly struct RecentSink(EntryFormat format, bool sum, Dictionary<string, MapChangeKind> kinds, List<(string Key, string Value)> removed) : ISnapshotChangeSink
    {
        public Dictionary<string, MapChangeKind> Kinds => kinds;

        public List<(string Key, string Value)> Removed => removed;

        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
        {
            kinds[Convert.ToHexString(key)] = kind;
            if (kind == MapChangeKind.Removed)
            {
                removed.Add((format.KeyText(key), format.ValueText(previous, sum)));
            }
        }
    }
}
