using Microsoft.Extensions.Logging;

namespace BpfChannels.Hosting;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Polling map '{Map}' failed ({Failures} in a row); retrying in {RetryDelay}.")]
    public static partial void PollFailed(ILogger logger, string map, int failures, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Polling map '{Map}' recovered after {Failures} failed polls.")]
    public static partial void PollRecovered(ILogger logger, string map, int failures);

    [LoggerMessage(3, LogLevel.Information, "Map channel '{Map}' opened map {MapId} from {Source}; polled every {Interval}.")]
    public static partial void ChannelOpened(ILogger logger, string map, uint mapId, string source, TimeSpan interval);

    [LoggerMessage(4, LogLevel.Error, "Opening the map channels failed.")]
    public static partial void OpenFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Stopped polling {Count} map channels; their streams are completed.")]
    public static partial void Stopped(ILogger logger, int count);

    [LoggerMessage(6, LogLevel.Warning, "Map channel '{Map}' has no map yet ({Reason}, attempt {Attempt}); looking again in {RetryDelay}.")]
    public static partial void WaitingForMap(ILogger logger, string map, string reason, int attempt, TimeSpan retryDelay);

    [LoggerMessage(7, LogLevel.Warning, "The map of map channel '{Map}' went away ({Reason}); reopening it from its source.")]
    public static partial void MapGone(ILogger logger, string map, string reason);

    [LoggerMessage(8, LogLevel.Information, "Map channel '{Map}' re-listed: map {PreviousMapId} replaced by map {MapId}, {Changes} changes delivered.")]
    public static partial void Relisted(ILogger logger, string map, uint previousMapId, uint mapId, int changes);

    [LoggerMessage(9, LogLevel.Warning, "Pin {Path} of map channel '{Map}' was removed; the channel still reads map {MapId}, which it named.")]
    public static partial void PinRemoved(ILogger logger, string map, string path, uint mapId);

    [LoggerMessage(10, LogLevel.Warning, "Map channel '{Map}': the reloaded WriteCapacity and MaxWriteBatch take effect only after a restart; the other options apply now.")]
    public static partial void WriteOptionsNeedRestart(ILogger logger, string map);

    [LoggerMessage(11, LogLevel.Information, "BpfChannels options reloaded: {Count} map channels rescheduled.")]
    public static partial void OptionsReloaded(ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Information, "Map channel '{Map}' is notified through change ring '{Ring}'; reconciled every {Interval}.")]
    public static partial void ChannelNotified(ILogger logger, string map, string ring, TimeSpan interval);

    [LoggerMessage(13, LogLevel.Warning, "Map channel '{Map}' is configured Notified but runs polled: {Reason}.")]
    public static partial void NotifiedFallback(ILogger logger, string map, string reason, Exception? exception);

    [LoggerMessage(20, LogLevel.Information, "Loaded BPF object '{Object}': {Maps} maps, {Programs} programs.")]
    public static partial void ObjectLoaded(ILogger logger, string @object, int maps, int programs);

    [LoggerMessage(21, LogLevel.Warning, "libbpf: {Message}")]
    public static partial void LibbpfWarning(ILogger logger, string message);

    [LoggerMessage(22, LogLevel.Information, "libbpf: {Message}")]
    public static partial void LibbpfInfo(ILogger logger, string message);

    [LoggerMessage(23, LogLevel.Debug, "libbpf: {Message}")]
    public static partial void LibbpfDebug(ILogger logger, string message);
}
