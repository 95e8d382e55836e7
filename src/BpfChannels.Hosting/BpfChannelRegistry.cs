using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BpfChannels.Hosting;

/// <summary>The application's map channels by name, opened when the host starts.</summary>
/// <remarks>
/// Thread-safe. The first access opens every registered channel (a missing map fails it, and with it host
/// start-up). Disposal completes every channel and disposes the maps the registry opened from pin paths; maps
/// from factories and sources stay their owners'.
/// </remarks>
public sealed class BpfChannelRegistry : IAsyncDisposable, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly MapChannelRegistration[] _registrations;
    private readonly BpfMapSource[] _sources;
    private readonly BpfChannelsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<BpfMap> _ownedMaps = [];
    private Dictionary<string, MapChannelState>? _channels;
    private MapChannelState[] _states = [];

    internal BpfChannelRegistry(IServiceProvider services, IEnumerable<MapChannelRegistration> registrations, IEnumerable<BpfMapSource> sources, BpfChannelsOptions options, TimeProvider time, ILoggerFactory? loggers)
    {
        _services = services;
        _registrations = [.. registrations];
        _sources = [.. sources];
        _options = options;
        _time = time;
        _logger = (ILogger?)loggers?.CreateLogger<BpfChannelRegistry>() ?? NullLogger.Instance;
    }

    /// <summary>Every channel, in registration order.</summary>
    /// <exception cref="InvalidOperationException">A channel's map could not be found.</exception>
    /// <exception cref="BpfException">Opening a pinned map failed.</exception>
    public IReadOnlyList<MapChannel> Channels => Array.ConvertAll(Open(), s => s.Channel);

    /// <summary>The channel registered as <paramref name="name"/>.</summary>
    /// <typeparam name="TKey">The key type it was registered with.</typeparam>
    /// <typeparam name="TValue">The value type it was registered with.</typeparam>
    /// <param name="name">The channel's name.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="KeyNotFoundException">No channel has that name.</exception>
    /// <exception cref="InvalidCastException">The channel was registered with other types.</exception>
    /// <exception cref="InvalidOperationException">A channel's map could not be found.</exception>
    public MapChannel<TKey, TValue> GetChannel<TKey, TValue>(string name)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(name);
        Open();
        if (!_channels!.TryGetValue(name, out MapChannelState? state))
        {
            throw new KeyNotFoundException($"No map channel named '{name}' is registered.");
        }

        return state.Channel as MapChannel<TKey, TValue>
            ?? throw new InvalidCastException($"Map channel '{name}' is {state.Channel.GetType().Name}, not MapChannel<{typeof(TKey).Name}, {typeof(TValue).Name}>.");
    }

    /// <summary>Completes every channel (streams end, queued writes finish) and disposes the maps opened from pin paths.</summary>
    /// <returns>A task that completes when every queued write has its outcome.</returns>
    public async ValueTask DisposeAsync()
    {
        await CompleteAllAsync().ConfigureAwait(false);
        lock (_lock)
        {
            foreach (BpfMap map in _ownedMaps)
            {
                map.Dispose();
            }

            _ownedMaps.Clear();
        }
    }

    /// <summary>Completes every channel and disposes the maps opened from pin paths, waiting for queued writes.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal Task CompleteAllAsync()
    {
        MapChannelState[] states = Opened;
        return Task.WhenAll(Array.ConvertAll(states, s => s.Channel.CompleteAsync()));
    }

    /// <summary>The channels opened so far (none before <see cref="Open"/> succeeds); never opens.</summary>
    internal MapChannelState[] Opened => Volatile.Read(ref _states);

    /// <summary>Opens every channel once; later calls return the same states.</summary>
    internal MapChannelState[] Open()
    {
        lock (_lock)
        {
            if (_channels is not null)
            {
                return _states;
            }

            var channels = new Dictionary<string, MapChannelState>(StringComparer.Ordinal);
            var opened = new List<BpfMap>();
            try
            {
                foreach (MapChannelRegistration registration in _registrations)
                {
                    BpfMapChannelOptions options = _options.Maps.TryGetValue(registration.Name, out BpfMapChannelOptions? o) ? o : new();
                    BpfMap map = ResolveMap(registration, options, opened, out string source);
                    MapChannel channel = registration.CreateChannel(map, options.Channel);
                    TimeSpan interval = _options.GetPollInterval(registration.Name);
                    channels.Add(registration.Name, new MapChannelState(registration.Name, channel, interval, _time.GetUtcNow()));
                    Log.ChannelOpened(_logger, registration.Name, source, interval);
                }
            }
            catch (Exception e)
            {
                Log.OpenFailed(_logger, e);
                foreach (MapChannelState built in channels.Values)
                {
                    // Each channel already runs its write loop: complete it before its map goes.
                    built.Channel.CompleteAsync(e).GetAwaiter().GetResult();
                }

                foreach (BpfMap map in opened)
                {
                    map.Dispose();
                }

                throw;
            }

            _ownedMaps.AddRange(opened);
            _states = [.. channels.Values];
            _channels = channels;
            return _states;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "CA1416", Justification = "A pin path names a bpffs pin, which exists only on Linux; channels over the in-memory twin come from a map factory.")]
    private BpfMap ResolveMap(MapChannelRegistration registration, BpfMapChannelOptions options, List<BpfMap> opened, out string source)
    {
        if (registration.MapFactory is { } factory)
        {
            source = "its map factory";
            return factory(_services);
        }

        foreach (BpfMapSource candidate in _sources)
        {
            if (candidate.Resolve(_services, registration.Name) is { } found)
            {
                source = "a map source";
                return found;
            }
        }

        if (options.PinPath is { Length: > 0 } pin)
        {
            string path = Path.IsPathRooted(pin) ? pin : Path.Combine(_options.PinRoot, pin);
            BpfMap map = BpfMap.OpenPinned(path);
            opened.Add(map);
            source = path;
            return map;
        }

        throw new InvalidOperationException(
            $"Map channel '{registration.Name}' has no map: pass a map factory to AddMapChannel, register a map source that supplies '{registration.Name}', or set BpfChannels:Maps:{registration.Name}:PinPath.");
    }
}
