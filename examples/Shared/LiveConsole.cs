// Shared by the console examples (each links this file): how they write to standard output.
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BpfChannels.ExampleConsole;

/// <summary>
/// A live view redrawn in place with Spectre.Console when standard output is a terminal, plain lines when it is
/// redirected (a pipe or a log file get no escape codes). NO_COLOR turns the colours off, not the live view.
/// </summary>
/// <remarks>
/// While a live view runs, everything written through <see cref="AnsiConsole"/> (and so every log line, see
/// <see cref="UseLiveLogging"/>) goes above the view, which is redrawn below it: a redraw wipes nothing.
/// Thread-safe: Spectre.Console serialises writes and redraws.
/// </remarks>
internal static class LiveConsole
{
    /// <summary>Whether standard output is an interactive terminal that takes cursor movement.</summary>
    public static bool IsLive { get; } = !Console.IsOutputRedirected
        && AnsiConsole.Profile.Capabilities.Ansi
        && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Sends log lines through Spectre.Console when <see cref="IsLive"/>, so they are printed above the live view instead of being overwritten by it.</summary>
    /// <param name="logging">The host's logging builder.</param>
    public static void UseLiveLogging(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        if (IsLive)
        {
            _ = logging.ClearProviders().AddProvider(new LiveLoggerProvider());
        }
    }

    /// <summary>Shows <paramref name="render"/>'s view, redrawn every <paramref name="interval"/>, until <paramref name="cancellationToken"/> fires; the last frame stays on the screen.</summary>
    /// <param name="render">Builds the current frame.</param>
    /// <param name="interval">How often the frame is rebuilt.</param>
    /// <param name="time">The clock the redraws wait on.</param>
    /// <param name="cancellationToken">Ends the view.</param>
    /// <returns>A task that completes when the view has ended.</returns>
    public static Task RunAsync(Func<IRenderable> render, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(render);
        ArgumentNullException.ThrowIfNull(time);
        return AnsiConsole.Live(render()).AutoClear(false).StartAsync(async live =>
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                    live.UpdateTarget(render());
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                live.UpdateTarget(render()); // the final state, left on the screen
            }
        });
    }

    /// <summary>Writes one line of output: above the live view when one runs, else as it is.</summary>
    /// <param name="line">The text, written verbatim (no markup).</param>
    public static void WriteLine(string line)
    {
        if (IsLive)
        {
            AnsiConsole.Console.WriteLine(line);
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    private sealed class LiveLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LiveLogger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class LiveLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            string color = logLevel switch
            {
                >= LogLevel.Error => "red",
                LogLevel.Warning => "yellow",
                _ => "grey",
            };
            string text = formatter(state, exception) + (exception is null ? string.Empty : Environment.NewLine + exception);
            // The line goes where the live view's first line was: padded to the width (short of the last column,
            // where a terminal would wrap), it leaves nothing of that line behind; the view is redrawn below it.
            string plain = $"{Level(logLevel)} {category} {text}";
            int width = Math.Max(AnsiConsole.Profile.Width, 2);
            int last = (plain.Length - (plain.LastIndexOf('\n') + 1)) % width;
            string padding = new(' ', last == 0 ? 0 : width - 1 - last);
            AnsiConsole.MarkupLine($"[{color}]{Level(logLevel)}[/] [dim]{Markup.Escape(category)}[/] {Markup.Escape(text)}{padding}");
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
