namespace BpfChannels.Hosting;

/// <summary>One map channel's configuration (<c>BpfChannels:Maps:&lt;name&gt;</c>).</summary>
/// <remarks>
/// Bound from configuration and reloaded with it: a new <see cref="PollInterval"/>, <see cref="PinPath"/> or
/// <see cref="Channel"/> takes effect on the running channel (see <see cref="MapChannel.Reconfigure"/> for the channel
/// options that cannot change without a restart). <see cref="Required"/> is read at start-up only.
/// </remarks>
public sealed class BpfMapChannelOptions
{
    /// <summary>How often the map is polled; <see langword="null"/> uses <see cref="BpfChannelsOptions.DefaultPollInterval"/>.</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// The map's pin path, absolute or relative to <see cref="BpfChannelsOptions.PinRoot"/>. Used when the channel was
    /// registered without a map factory and no map source supplies the map. Checked every
    /// <see cref="BpfChannelsOptions.PinCheckInterval"/>: a pin that names another map is reopened and re-listed.
    /// </summary>
    public string? PinPath { get; set; }

    /// <summary>
    /// Whether host start-up fails when the map is not there. <see langword="false"/> (the default): the channel waits
    /// for it with backoff, health says Degraded with the reason, and delivery starts when it appears.
    /// </summary>
    public bool Required { get; set; }

    /// <summary>Reading, buffering and writing options of the channel.</summary>
    public MapChannelOptions Channel { get; set; } = new();
}
