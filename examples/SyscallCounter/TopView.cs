using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SyscallCounter;

/// <summary>The top-N table as the console shows it: a Spectre.Console table on a terminal, plain text when redirected.</summary>
internal static class TopView
{
    /// <summary>The table as plain lines (no escape codes), one block per redraw: a heading, then the rows busiest first.</summary>
    public static string Plain(IReadOnlyList<TopRow> top, int processes, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{now:HH:mm:ss}  top {top.Count} of {processes} processes");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"PID",8}  {"COMMAND",-16}  {"SYSCALLS",12}");
        foreach (TopRow row in top)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Pid,8}  {row.Command,-16}  {row.Syscalls,12}");
        }

        return text.ToString();
    }

    /// <summary>The table for the live view.</summary>
    public static IRenderable Live(IReadOnlyList<TopRow> top, int processes, TimeSpan interval)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"System calls: top {top.Count.ToString(CultureInfo.InvariantCulture)} of {processes.ToString(CultureInfo.InvariantCulture)} processes")
            .Caption($"[dim]every {interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; Ctrl+C stops[/]");
        table.AddColumn(new TableColumn("PID").RightAligned());
        table.AddColumn("COMMAND");
        table.AddColumn(new TableColumn("SYSCALLS").RightAligned());
        foreach (TopRow row in top)
        {
            table.AddRow(
                new Text(row.Pid.ToString(CultureInfo.InvariantCulture)),
                new Text(row.Command, new Style(Color.Green)),
                new Text(row.Syscalls.ToString("N0", CultureInfo.InvariantCulture)));
        }

        return table;
    }
}
