using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ExecWatch;

/// <summary>
/// The pipeline's output as the console shows it: on a terminal a live table of the latest execs, redirected one plain
/// line per exec.
/// </summary>
/// <remarks>Thread-safe: the pipeline adds while the live view renders.</remarks>
public sealed class ExecWatchView(int capacity = 20)
{
    private readonly Queue<EnrichedExec> _recent = new();
    private readonly Lock _lock = new();
    private long _total;

    /// <summary>The column headings of the plain output.</summary>
    public static string Header { get; } = $"{"PID",8} {"PPID",8} {"UID",6}  {"COMMAND",-16} FILE / ARGUMENTS";

    /// <summary>One exec as a plain line.</summary>
    public static string Format(EnrichedExec e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return string.Create(CultureInfo.InvariantCulture, $"{e.Pid,8} {e.ParentPid,8} {e.Uid,6}  {e.Command,-16} {e.Filename} {(e.CommandLine.Length > 0 ? "[" + e.CommandLine + "]" : string.Empty)}");
    }

    /// <summary>Keeps <paramref name="e"/> among the latest execs.</summary>
    public void Add(EnrichedExec e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_lock)
        {
            _recent.Enqueue(e);
            while (_recent.Count > capacity)
            {
                _ = _recent.Dequeue();
            }

            _total++;
        }
    }

    /// <summary>The live view's frame: the latest execs, newest first.</summary>
    public IRenderable Render()
    {
        var table = new Table().Border(TableBorder.Rounded).Expand().Title("Latest execs");
        foreach (string heading in (string[])["PID", "PPID", "UID", "COMMAND"])
        {
            table.AddColumn(new TableColumn(heading).NoWrap());
        }

        table.AddColumn("FILE / ARGUMENTS");
        lock (_lock)
        {
            foreach (EnrichedExec e in _recent.Reverse())
            {
                table.AddRow(
                    new Text(e.Pid.ToString(CultureInfo.InvariantCulture)),
                    new Text(e.ParentPid == 0 ? "-" : e.ParentPid.ToString(CultureInfo.InvariantCulture)),
                    new Text(e.Uid.ToString(CultureInfo.InvariantCulture)),
                    new Text(e.Command, new Style(Color.Green)),
                    new Text(e.CommandLine.Length > 0 ? e.CommandLine : e.Filename) { Overflow = Overflow.Ellipsis });
            }

            table.Caption($"[dim]{_total.ToString(CultureInfo.InvariantCulture)} execs; Ctrl+C stops[/]");
        }

        return table;
    }
}
