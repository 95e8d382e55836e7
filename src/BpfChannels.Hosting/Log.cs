using Microsoft.Extensions.Logging;

namespace BpfChannels.Hosting;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Polling map '{Map}' failed ({Failures} in a row); retrying in {RetryDelay}.")]
    public static partial void PollFailed(ILogger logger, string map, int failures, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Polling map '{Map}' recovered after {Failures} failed polls.")]
    public static partial void PollRecovered(ILogger logger, string map, int failures);

    [LoggerMessage(3, LogLevel.Debug, "Map channel '{Map}' opened from {Source}; polled every {Interval}.")]
    public static partial void ChannelOpened(ILogger logger, string map, string source, TimeSpan interval);

    [LoggerMessage(4, LogLevel.Error, "Opening the map channels failed.")]
    public static partial void OpenFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Stopped polling {Count} map channels; their streams are completed.")]
    public static partial void Stopped(ILogger logger, int count);

    [LoggerMessage(20, LogLevel.Information, "Loaded BPF object '{Object}': {Maps} maps, {Programs} programs.")]
    public static partial void ObjectLoaded(ILogger logger, string @object, int maps, int programs);

    [LoggerMessage(21, LogLevel.Warning, "libbpf: {Message}")]
    public static partial void LibbpfWarning(ILogger logger, string message);

    [LoggerMessage(22, LogLevel.Information, "libbpf: {Message}")]
    public static partial void LibbpfInfo(ILogger logger, string message);

    [LoggerMessage(23, LogLevel.Debug, "libbpf: {Message}")]
    public static partial void LibbpfDebug(ILogger logger, string message);
}
