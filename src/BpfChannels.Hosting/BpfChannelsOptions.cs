namespace BpfChannels.Hosting;

/// <summary>Options of the BpfChannels hosting layer, bound from the <c>BpfChannels</c> configuration section.</summary>
/// <remarks>
/// Validated when the host starts; an invalid value stops start-up with a message naming it. Read through
/// <c>IOptionsMonitor</c>: when configuration reloads, poll intervals, pin paths, the retry and health settings and
/// the channels' options apply to the running host; a reload that fails validation is logged and ignored.
/// </remarks>
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

    /// <summary>
    /// After how many failed attempts in a row (polls that fail, or reopening a map that went away) a channel's health
    /// goes from Degraded to Unhealthy (the health check's failure status). Default 3.
    /// </summary>
    public int UnhealthyAfterFailures { get; set; } = 3;

    /// <summary>
    /// How often a channel read from a pin checks that the pin still names the same map (by map id). A pin that names
    /// another map (its producer restarted and pinned anew) is reopened, and the channel re-lists. Default 5 seconds.
    /// </summary>
    public TimeSpan PinCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

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

    /// <summary>The options of the map channel <paramref name="name"/>, or defaults when it has none.</summary>
    internal BpfMapChannelOptions GetMap(string name) => Maps.TryGetValue(name, out BpfMapChannelOptions? map) ? map : new();

    /// <summary>The absolute pin path of the map channel <paramref name="name"/>, or <see langword="null"/> when it has none.</summary>
    internal string? GetPinPath(string name)
        => GetMap(name).PinPath is { Length: > 0 } pin ? (Path.IsPathRooted(pin) ? pin : Path.Combine(PinRoot, pin)) : null;

    /// <summary>
    /// The poll interval of the map channel <paramref name="name"/>: its own, else <see cref="DefaultPollInterval"/>; for a
    /// notified channel (<see cref="BpfMapChannelOptions.Mode"/>) its reconcile interval, since its polls are reconciliations.
    /// </summary>
    /// <param name="name">The channel's name.</param>
    /// <returns>The interval.</returns>
    public TimeSpan GetPollInterval(string name)
    {
        if (!Maps.TryGetValue(name, out BpfMapChannelOptions? map))
        {
            return DefaultPollInterval;
        }

        return map.IsNotified ? map.ReconcileInterval ?? map.Channel?.ReconcileInterval ?? DefaultPollInterval : map.PollInterval ?? DefaultPollInterval;
    }
}
