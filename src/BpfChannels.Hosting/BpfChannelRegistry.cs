using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>The application's map channels by name, opened when the host starts.</summary>
/// <remarks>
/// Thread-safe. The first access opens every registered channel. A channel whose map is not there yet (a pin another
/// process has not created, a map no source has yet) is returned all the same: it waits for its map, and delivery
/// starts when the map appears; only a channel configured <see cref="BpfMapChannelOptions.Required"/>, or one with no
/// way to get a map at all, fails the first access (and with it host start-up). Disposal completes every channel and
/// disposes the maps the registry opened from pin paths; maps from factories and sources stay their owners'.
/// </remarks>
public sealed class BpfChannelRegistry : IAsyncDisposable, IDisposable
{
    private readonly HostedEntries<MapChannelRegistration, HostedMapChannel> _entries;
    private readonly ILogger _logger;
    private readonly HostedChangeNotifiers _notifiers;

    internal BpfChannelRegistry(
        IEnumerable<MapChannelRegistration> registrations,
        MapLocator locator,
        IOptionsMonitor<BpfChannelsOptions> options,
        TimeProvider time,
        BpfChannelsMetrics? metrics,
        ILoggerFactory? loggers)
    {
        _logger = (ILogger?)loggers?.CreateLogger<BpfChannelRegistry>() ?? NullLogger.Instance;
        _notifiers = new HostedChangeNotifiers(metrics?.MeterFactory);
        _entries = new HostedEntries<MapChannelRegistration, HostedMapChannel>(
            MapChannelRegistration.Kind,
            registrations,
            registration =>
            {
                BpfChannelsOptions current = options.CurrentValue;
                // Polled until its map and change ring are found (a notified channel's notifier comes with them).
                MapChannel channel = registration.CreateChannel(registration.Name, current.GetMap(registration.Name).Effective(notifier: null, time));
                var hosted = new HostedMapChannel(registration, channel, locator, time, metrics, _logger, _notifiers);
                try
                {
                    hosted.Open(current);
                }
                catch
                {
                    Close(hosted);
                    throw;
                }

                return hosted;
            },
            Close);
    }

    /// <summary>Every channel, in registration order.</summary>
    /// <exception cref="InvalidOperationException">A required channel's map is missing, or a channel has no way to get a map.</exception>
    /// <exception cref="BpfException">Opening a pinned map failed for a reason other than its absence.</exception>
    public IReadOnlyList<MapChannel> Channels => Array.ConvertAll(Open(), s => s.Channel);

    /// <summary>The channel registered as <paramref name="name"/>; it may still be waiting for its map (<see cref="MapChannel.HasMap"/>).</summary>
    /// <typeparam name="TKey">The key type it was registered with.</typeparam>
    /// <typeparam name="TValue">The value type it was registered with.</typeparam>
    /// <param name="name">The channel's name.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">No channel has that name.</exception>
    /// <exception cref="InvalidCastException">The channel was registered with other types.</exception>
    /// <exception cref="InvalidOperationException">A required channel's map is missing, or a channel has no way to get a map.</exception>
    public MapChannel<TKey, TValue> GetChannel<TKey, TValue>(string name)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        MapChannel channel = _entries.Get(name).Channel;
        return channel as MapChannel<TKey, TValue>
            ?? throw new InvalidCastException($"Map channel '{name}' is {channel.GetType().Name}, not MapChannel<{typeof(TKey).Name}, {typeof(TValue).Name}>.");
    }

    /// <summary>Completes every channel (streams end, queued writes finish) and disposes the maps opened from pin paths.</summary>
    /// <returns>A task that completes when every queued write has its outcome.</returns>
    public async ValueTask DisposeAsync()
    {
        await CompleteAllAsync().ConfigureAwait(false);
        _entries.Close();
        _notifiers.Dispose();
    }

    /// <summary>Completes every channel and disposes the maps opened from pin paths, waiting for queued writes.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal Task CompleteAllAsync() => Task.WhenAll(Array.ConvertAll(Opened, s => s.Channel.CompleteAsync()));

    /// <summary>The change notifiers of the notified channels.</summary>
    internal HostedChangeNotifiers Notifiers => _notifiers;

    /// <summary>The channels opened so far (none before <see cref="Open"/> succeeds); never opens.</summary>
    internal HostedMapChannel[] Opened => _entries.Opened;

    /// <summary>Opens every channel once; later calls return the same channels.</summary>
    internal HostedMapChannel[] Open()
    {
        try
        {
            return _entries.Open();
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            Log.OpenFailed(_logger, e);
            throw;
        }
    }

    private static void Close(HostedMapChannel hosted)
    {
        // The channel already runs its write loop: complete it before its map goes.
        hosted.Channel.CompleteAsync().GetAwaiter().GetResult();
        hosted.DisposeOwnedMap();
    }
}
