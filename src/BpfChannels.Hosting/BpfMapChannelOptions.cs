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
    /// <remarks>Its <see cref="MapChannelOptions.ChangeNotifier"/> is the host's to set: the host creates the notifier from <see cref="ChangeRing"/>.</remarks>
    public MapChannelOptions Channel { get; set; } = new();

    /// <summary>
    /// How the channel finds changes (<c>"Mode": "Notified"</c> in configuration); <see langword="null"/> uses
    /// <see cref="MapChannelOptions.Mode"/> of <see cref="Channel"/> (polled by default). A notified channel reads the
    /// change ring <see cref="ChangeRing"/> of the map's object and is reconciled every <see cref="ReconcileInterval"/>:
    /// the hosted service's polls of it are its reconciliations.
    /// </summary>
    public MapChannelMode? Mode { get; set; }

    // MapChangeNotifier is Linux-only, but its names are constants: copied in at compile time, they run nothing there.
#pragma warning disable CA1416

    /// <summary>The name <c>BPFCHAN_CHANGES</c> gives the change ring: <see cref="ChangeRing"/> by default.</summary>
    public const string DefaultChangeRing = MapChangeNotifier.RingName;

    /// <summary>The name <c>BPFCHAN_CHANGES</c> gives the lost-notice counter: <see cref="ChangeLostCounter"/> by default.</summary>
    public const string DefaultChangeLostCounter = MapChangeNotifier.LostCounterName;
#pragma warning restore CA1416

    /// <summary>
    /// The name of the change ring a notified channel reads. Default <see cref="DefaultChangeRing"/> (what
    /// <c>BPFCHAN_CHANGES</c> declares). A plain name is looked for first in the hosted BPF object that holds the
    /// channel's map (of several objects that declare a ring, the map's own is read), then like a map (map sources, in
    /// registration order); <c>object/map</c> names the object.
    /// </summary>
    public string ChangeRing { get; set; } = DefaultChangeRing;

    /// <summary>The name of the ring's lost-notice counter, looked up as <see cref="ChangeRing"/> is. Default <see cref="DefaultChangeLostCounter"/>.</summary>
    public string ChangeLostCounter { get; set; } = DefaultChangeLostCounter;

    /// <summary>A notified channel's reconcile interval; <see langword="null"/> uses <see cref="MapChannelOptions.ReconcileInterval"/> of <see cref="Channel"/> (30 seconds).</summary>
    public TimeSpan? ReconcileInterval { get; set; }

    /// <summary>Whether the channel is notified: <see cref="Mode"/>, else the <see cref="MapChannelOptions.Mode"/> of <see cref="Channel"/>.</summary>
    /// <remarks>Read, never bound: it follows the two settings it is made of.</remarks>
    public bool IsNotified => (Mode ?? Channel?.Mode) == MapChannelMode.Notified;

    /// <summary>
    /// The options the channel runs with: <see cref="Channel"/>, notified through <paramref name="notifier"/> when this
    /// channel is notified and the notifier exists, polled otherwise (before the ring is found, or when it cannot be),
    /// on the host's clock (the registered <see cref="TimeProvider"/>) when <paramref name="time"/> is given.
    /// </summary>
    /// <remarks>
    /// A hosted notified channel is reconciled by the hosting poll loop at the reconcile interval (with its logging,
    /// retries and health), and every full read restarts the channel's own reconcile timer. That timer is set to twice
    /// the interval, so it fires only if the loop falls behind, and one interval never reads the map twice.
    /// </remarks>
    internal MapChannelOptions Effective(object? notifier, TimeProvider? time = null)
    {
        MapChannelOptions channel = Channel ?? new MapChannelOptions();
        MapChannelOptions effective = channel.Clone();
        TimeSpan reconcile = ReconcileInterval ?? channel.ReconcileInterval;
        effective.ReconcileInterval = reconcile;
        effective.Mode = IsNotified && notifier is not null ? MapChannelMode.Notified : MapChannelMode.Polled;
        effective.ChangeNotifier = null;
        if (effective.Mode == MapChannelMode.Notified && OperatingSystem.IsLinux())
        {
            effective.ChangeNotifier = (MapChangeNotifier)notifier!;
            effective.ReconcileInterval = reconcile < MaxFallbackInterval / 2 ? reconcile * 2 : MaxFallbackInterval;
        }

        if (time is not null)
        {
            _ = effective.WithTimeProvider(time);
        }

        return effective;
    }

    // The longest due time a timer takes (0xFFFFFFFE ms is about 49.7 days).
    private static readonly TimeSpan MaxFallbackInterval = TimeSpan.FromDays(49);
}
