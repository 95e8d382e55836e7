namespace BpfChannels.Hosting;

/// <summary>One map channel's configuration (<c>BpfChannels:Maps:&lt;name&gt;</c>).</summary>
/// <remarks>Bound from configuration; read when the channels open at start-up.</remarks>
public sealed class BpfMapChannelOptions
{
    /// <summary>How often the map is polled; <see langword="null"/> uses <see cref="BpfChannelsOptions.DefaultPollInterval"/>.</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// The map's pin path, absolute or relative to <see cref="BpfChannelsOptions.PinRoot"/>. Used when the channel was
    /// registered without a map factory and no map source supplies the map.
    /// </summary>
    public string? PinPath { get; set; }

    /// <summary>Reading, buffering and writing options of the channel.</summary>
    public MapChannelOptions Channel { get; set; } = new();
}
