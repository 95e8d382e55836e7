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
}
