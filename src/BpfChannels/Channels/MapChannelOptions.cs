using System.Threading.Channels;

namespace BpfChannels;

/// <summary>How a <see cref="MapChannel{TKey, TValue}"/> reads its map and buffers changes for subscribers.</summary>
/// <remarks>
/// Copied when the channel is created; later changes to this instance have no effect on it.
/// <see cref="MapChannel.Reconfigure"/> applies new options to a running channel.
/// </remarks>
public sealed class MapChannelOptions
{
    /// <summary>
    /// Whether <see cref="MapChannel.Poll"/> reads the map while nobody subscribes. When <see langword="false"/>
    /// (the default) an unobserved poll costs nothing, and the first subscriber triggers a fresh read instead.
    /// </summary>
    public bool PollWhenUnobserved { get; set; }

    /// <summary>How each poll reads the map; <see cref="BpfMapReadStrategy.Auto"/> picks the cheapest the map allows.</summary>
    public BpfMapReadStrategy ReadStrategy { get; set; } = BpfMapReadStrategy.Auto;

    /// <summary>How many changes each subscriber may have waiting before <see cref="FullMode"/> applies. Default 1024.</summary>
    public int SubscriberCapacity { get; set; } = 1024;

    /// <summary>
    /// What happens when a subscriber's buffer is full. The poller never waits for a subscriber, so
    /// <see cref="BoundedChannelFullMode.Wait"/> behaves like <see cref="BoundedChannelFullMode.DropWrite"/>.
    /// Every dropped change is counted in <see cref="MapChannel.DroppedChanges"/>. Default <see cref="BoundedChannelFullMode.DropOldest"/>.
    /// </summary>
    public BoundedChannelFullMode FullMode { get; set; } = BoundedChannelFullMode.DropOldest;

    /// <summary>How many writes may wait in <see cref="MapChannel{TKey, TValue}.Writer"/> before writers wait. Default 4096.</summary>
    public int WriteCapacity { get; set; } = 4096;

    /// <summary>The most writes with the same batchable flags sent to the kernel in one BPF_MAP_UPDATE_BATCH. Default 256.</summary>
    public int MaxWriteBatch { get; set; } = 256;

    /// <summary>How the channel finds changes: by polling (the default), or from the program's change notices.</summary>
    /// <remarks><see cref="MapChannelMode.Notified"/> needs <see cref="ChangeNotifier"/>.</remarks>
    public MapChannelMode Mode { get; set; } = MapChannelMode.Polled;

    /// <summary>
    /// The reader of the change ring the map's programs publish to (<see cref="MapChangeNotifier"/>); required by
    /// <see cref="MapChannelMode.Notified"/>, ignored otherwise. Several channels may share one notifier. The channel does not dispose it.
    /// </summary>
    public MapChangeNotifier? ChangeNotifier { get; set; }

    /// <summary>
    /// In <see cref="MapChannelMode.Notified"/> mode, how long the channel goes without a full read of the map before it
    /// reconciles (reads and compares the whole map, as a poll does); any full read, a <see cref="MapChannel.Poll"/>
    /// included, restarts the interval. Changes only a reconciliation finds are counted in
    /// <see cref="MapChannel.ReconciledChanges"/>. Default 30 seconds.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// In <see cref="MapChannelMode.Notified"/> mode, the tag the map's notices carry, for a map whose notices are
    /// published with an explicit tag (<c>bpfchan_update_tagged</c> and the other <c>_tagged</c> wrappers): two maps whose
    /// names hash alike, or a map renamed in the BPF source. <see langword="null"/> (the default) uses
    /// <see cref="MapChangeNotifier.Tag"/> of the map's name, as the untagged wrappers do.
    /// </summary>
    public uint? NoticeTag { get; set; }

    /// <summary>
    /// Sets the clock the reconcile interval is measured on (<see langword="null"/>, the default, for
    /// <see cref="System.TimeProvider.System"/>); tests pass a fake clock. Read when the channel is created:
    /// <see cref="MapChannel.Reconfigure"/> keeps the first one.
    /// </summary>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <returns>These options.</returns>
    /// <remarks>A method rather than a settable property, so that binding these options from configuration never meets a clock.</remarks>
    public MapChannelOptions WithTimeProvider(TimeProvider? timeProvider)
    {
        TimeProvider = timeProvider;
        return this;
    }

    /// <summary>The clock <see cref="WithTimeProvider"/> set, or <see langword="null"/>.</summary>
    internal TimeProvider? TimeProvider { get; private set; }

    /// <summary>A copy of these options (the notifier and the time provider are shared, not copied).</summary>
    /// <returns>A new instance with the same values.</returns>
    public MapChannelOptions Clone() => new()
    {
        PollWhenUnobserved = PollWhenUnobserved,
        ReadStrategy = ReadStrategy,
        SubscriberCapacity = SubscriberCapacity,
        FullMode = FullMode,
        WriteCapacity = WriteCapacity,
        MaxWriteBatch = MaxWriteBatch,
        Mode = Mode,
        ChangeNotifier = ChangeNotifier,
        ReconcileInterval = ReconcileInterval,
        NoticeTag = NoticeTag,
        TimeProvider = TimeProvider,
    };

    /// <summary>Checks every option, so a bad value is reported before a channel is created or reconfigured.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or <see cref="MapChannelMode.Notified"/> has no <see cref="ChangeNotifier"/>; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SubscriberCapacity, nameof(SubscriberCapacity));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WriteCapacity, nameof(WriteCapacity));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxWriteBatch, nameof(MaxWriteBatch));
        if (!Enum.IsDefined(FullMode))
        {
            throw new ArgumentOutOfRangeException(nameof(FullMode), FullMode, "Unknown full mode.");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown channel mode; use Polled or Notified.");
        }

        if (ReconcileInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconcileInterval), ReconcileInterval, "The reconcile interval must be positive.");
        }

        if (Mode == MapChannelMode.Notified && ChangeNotifier is null)
        {
            throw new ArgumentOutOfRangeException(nameof(ChangeNotifier), null, "Mode is Notified but no ChangeNotifier is set: create a MapChangeNotifier over the object's change ring (bpfchan_changes) and its lost counter (bpfchan_lost).");
        }
    }
}
