using Microsoft.Extensions.Logging;

namespace BpfChannels.Hosting;

/// <summary>Log messages of the program attachments (event ids 40-49).</summary>
internal static partial class AttachLog
{
    [LoggerMessage(40, LogLevel.Information, "Attached program '{Program}' of BPF object '{Object}': {Link}.")]
    public static partial void Attached(ILogger logger, string program, string @object, string link);

    [LoggerMessage(41, LogLevel.Information, "Detached program '{Program}' of BPF object '{Object}': {Link}.")]
    public static partial void Detached(ILogger logger, string program, string @object, string link);
}
