namespace BpfChannels.Hosting;

/// <summary>Options of the BpfChannels hosting layer, bound from the <c>BpfChannels</c> configuration section.</summary>
/// <remarks>Validated when the host starts; an invalid value stops start-up with a message naming it.</remarks>
public sealed class BpfChannelsOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "BpfChannels";

    /// <summary>The poll interval of channels that do not set their own. Default one second.</summary>
    public TimeSpan DefaultPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before retrying a failing poll (the wait doubles after each failure up to this). Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After how many poll intervals without a successful poll an observed channel is reported stale. Default 5.</summary>
    public int StaleAfterIntervals { get; set; } = 5;

    /// <summary>The directory relative pin paths are resolved against. Default the bpffs mount, <c>/sys/fs/bpf</c>.</summary>
    public string PinRoot { get; set; } = BpfSystem.DefaultBpfFsPath;

    /// <summary>The map channels by name. Every name here needs a channel registered in code (which gives the key and value types).</summary>
    public Dictionary<string, BpfMapChannelOptions> Maps { get; set; } = new(StringComparer.Ordinal);

    internal BpfMapChannelOptions GetOrAddMap(string name)
    {
        if (!Maps.TryGetValue(name, out BpfMapChannelOptions? map))
        {
            map = new BpfMapChannelOptions();
            Maps[name] = map;
        }

        return map;
    }

    /// <summary>The poll interval of the map channel <paramref name="name"/>: its own, else <see cref="DefaultPollInterval"/>.</summary>
    /// <param name="name">The channel's name.</param>
    /// <returns>The interval.</returns>
    public TimeSpan GetPollInterval(string name) => Maps.TryGetValue(name, out BpfMapChannelOptions? map) && map.PollInterval is { } interval ? interval : DefaultPollInterval;
}
