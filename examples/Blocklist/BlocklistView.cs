using System.Globalization;
using BpfChannels;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Blocklist;

/// <summary>The live view on a terminal: how each configured write ended, and per source what was dropped and what got through.</summary>
/// <remarks>Renders from <see cref="BlocklistStatus"/>, which is thread-safe.</remarks>
internal static class BlocklistView
{
    public static IRenderable Render(BlocklistStatus status, VethNamespace network)
    {
        var writes = new Table().Border(TableBorder.Rounded).Title("Blocklist writes");
        writes.AddColumns("PREFIX", "OUTCOME");
        foreach ((LpmKey<uint> prefix, BpfError error) in status.Outcomes.OrderBy(o => o.Key.ToString(), StringComparer.Ordinal))
        {
            writes.AddRow(new Text(prefix.ToString()), new Text(error == BpfError.None ? "written" : error.ToErrnoName(), error == BpfError.None ? new Style(Color.Green) : new Style(Color.Yellow)));
        }

        var sources = new Table().Border(TableBorder.Rounded).Title($"Traffic into {network.HostInterface} (XDP)");
        sources.AddColumn("SOURCE");
        sources.AddColumn(new TableColumn("DROPPED").RightAligned());
        sources.AddColumn(new TableColumn("GOT THROUGH").RightAligned());
        foreach ((System.Net.IPAddress source, ulong dropped, long received) in status.Sources())
        {
            sources.AddRow(
                new Text(source.ToString()),
                new Text(dropped.ToString(CultureInfo.InvariantCulture), dropped > 0 ? new Style(Color.Red) : Style.Plain),
                new Text(received.ToString(CultureInfo.InvariantCulture)));
        }

        return new Rows(writes, sources, new Markup($"[dim]{status.DropChanges.ToString(CultureInfo.InvariantCulture)} drop-counter changes from the drops channel; Ctrl+C stops[/]"));
    }
}
