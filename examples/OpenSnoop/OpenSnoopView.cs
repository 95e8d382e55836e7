using System.Globalization;
using BpfChannels;
using BpfChannels.ExampleConsole;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Rendering;
using OpenEvent = OpenSnoop.OpenSnoopBpf.OpenEvent;
using ProcessOpens = OpenSnoop.OpenSnoopBpf.ProcessOpens;

namespace OpenSnoop;

/// <summary>
/// What OpenSnoop shows: the latest opens from the ring buffer and the per-process totals from the <c>opens</c> map
/// channel's change stream. On a terminal a live view of both; redirected, one plain line per open, as opensnoop prints.
/// </summary>
/// <remarks>Thread-safe: the ring buffer and the map channel feed it on their own threads while the console reads it.</remarks>
public sealed class OpenSnoopView(IOptions<OpenSnoopOptions> options)
{
    private readonly OpenSnoopOptions _options = options.Value;
    private readonly Queue<OpenEvent> _recent = new();
    private readonly Dictionary<uint, ProcessOpens> _totals = [];
    private readonly Lock _lock = new();

    /// <summary>The opens shown so far (after the configured filters).</summary>
    public long Shown { get; private set; }

    /// <summary>The column headings of the plain output.</summary>
    public static string Header { get; } = $"{"PID",8} {"PPID",8} {"UID",6}  {"COMM",-16} {"FD",4} {"ERR",-7} PATH";

    /// <summary>Follows the open records and the totals until the returned subscription is disposed.</summary>
    /// <param name="events">The ring buffer's records.</param>
    /// <param name="totals">The <c>opens</c> map's changes.</param>
    /// <param name="writeLine">Called with each shown open as a plain line, or <see langword="null"/> for none.</param>
    /// <returns>The subscription to both streams.</returns>
    public IDisposable Follow(IObservable<OpenEvent> events, IObservable<MapChange<uint, ProcessOpens>> totals, Action<string>? writeLine)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(totals);
        IDisposable records = events.Subscribe(record =>
        {
            if (Apply(record) && writeLine is not null)
            {
                writeLine(Format(record));
            }
        });
        IDisposable changes = totals.Subscribe(Apply);
        return new Both(records, changes);
    }

    /// <summary>Keeps <paramref name="record"/> among the latest opens if it passes the filters.</summary>
    /// <returns>Whether it passed them.</returns>
    public bool Apply(OpenEvent record)
    {
        if ((_options.FailedOnly && record.Ret >= 0)
            || (_options.Command is { Length: > 0 } command && !record.CommAsString().Contains(command, StringComparison.Ordinal)))
        {
            return false;
        }

        lock (_lock)
        {
            _recent.Enqueue(record);
            while (_recent.Count > _options.Recent)
            {
                _ = _recent.Dequeue();
            }

            Shown++;
        }

        return true;
    }

    /// <summary>Applies one change of the per-process totals: Added and Updated set them, Removed drops the process.</summary>
    public void Apply(MapChange<uint, ProcessOpens> change)
    {
        lock (_lock)
        {
            if (change.Kind == MapChangeKind.Removed)
            {
                _ = _totals.Remove(change.Key);
            }
            else
            {
                _totals[change.Key] = change.Value;
            }
        }
    }

    /// <summary>The totals of one process, if it has opened anything since the program was loaded.</summary>
    public bool TryGetTotals(uint pid, out ProcessOpens totals)
    {
        lock (_lock)
        {
            return _totals.TryGetValue(pid, out totals);
        }
    }

    /// <summary>One open as a plain line: pid, parent, uid, thread name, descriptor or errno, path.</summary>
    public static string Format(in OpenEvent record)
    {
        string fd = record.Ret >= 0 ? record.Ret.ToString(CultureInfo.InvariantCulture) : "-1";
        string error = record.Ret >= 0 ? string.Empty : ErrorName(record.Ret);
        return string.Create(CultureInfo.InvariantCulture, $"{record.Pid,8} {record.Ppid,8} {record.Uid,6}  {record.CommAsString(),-16} {fd,4} {error,-7} {record.FilenameAsString()}");
    }

    /// <summary>The live view's frame: the latest opens above, the processes with the most opens below.</summary>
    public IRenderable Render()
    {
        var recent = new Table().Border(TableBorder.Rounded).Expand().Title("Latest opens");
        foreach (string heading in (string[])["PID", "PPID", "UID", "COMM", "FD", "ERR"])
        {
            recent.AddColumn(new TableColumn(heading).NoWrap());
        }

        recent.AddColumn("PATH"); // the rest of the width; a longer path ends in an ellipsis, one row per open
        var top = new Table().Border(TableBorder.Rounded).Expand().Title($"Top {_options.Top} processes by opens");
        top.AddColumns("PID", "COMMAND", "OPENS", "FAILED");
        lock (_lock)
        {
            foreach (OpenEvent record in _recent.Reverse())
            {
                bool failed = record.Ret < 0;
                recent.AddRow(
                    new Text(record.Pid.ToString(CultureInfo.InvariantCulture)),
                    new Text(record.Ppid.ToString(CultureInfo.InvariantCulture)),
                    new Text(record.Uid.ToString(CultureInfo.InvariantCulture)),
                    new Text(record.CommAsString()),
                    new Text(failed ? "-1" : record.Ret.ToString(CultureInfo.InvariantCulture)),
                    new Text(failed ? ErrorName(record.Ret) : string.Empty, failed ? new Style(Color.Red) : Style.Plain),
                    new Text(record.FilenameAsString()) { Overflow = Overflow.Ellipsis });
            }

            foreach ((uint pid, ProcessOpens totals) in _totals.OrderByDescending(kv => kv.Value.Opens).ThenBy(kv => kv.Key).Take(_options.Top))
            {
                top.AddRow(
                    new Text(pid.ToString(CultureInfo.InvariantCulture)),
                    new Text(totals.CommAsString()),
                    new Text(totals.Opens.ToString(CultureInfo.InvariantCulture)),
                    new Text(totals.Failures.ToString(CultureInfo.InvariantCulture), totals.Failures > 0 ? new Style(Color.Red) : Style.Plain));
            }

            return new Rows(recent, top, new Markup($"[dim]{Shown.ToString(CultureInfo.InvariantCulture)} opens shown. Ctrl+C stops.[/]"));
        }
    }

    /// <summary>Runs the view until <paramref name="cancellationToken"/> fires: live on a terminal, plain lines otherwise.</summary>
    public async Task RunAsync(IObservable<OpenEvent> events, IObservable<MapChange<uint, ProcessOpens>> totals, TimeProvider time, CancellationToken cancellationToken)
    {
        using IDisposable follow = Follow(events, totals, LiveConsole.IsLive ? null : LiveConsole.WriteLine);
        if (LiveConsole.IsLive)
        {
            await LiveConsole.RunAsync(Render, TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
            return;
        }

        LiveConsole.WriteLine(Header);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The C name of the errno in a failed call's result (-errno): "ENOENT" for -2.</summary>
    public static string ErrorName(int ret) => ((BpfError)(-ret)).ToErrnoName();

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
