using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// The BPF objects registered with <see cref="BpfChannelsBuilderObjectExtensions.AddObject"/>: loaded once, at start-up
/// (or on first use), and disposed with the host. Their maps are the map source of channels registered by name.
/// </summary>
/// <remarks>Thread-safe. Loading fails fast: a missing file, a verifier rejection or a missing map stops the host's start.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfObjectHost : IDisposable
{
    private readonly BpfObjectRegistration[] _registrations;
    private readonly BpfChannelsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Dictionary<string, BpfObject>? _objects;
    private bool _disposed;
    private readonly bool _logsLibbpf;

    internal BpfObjectHost(IEnumerable<BpfObjectRegistration> registrations, IOptions<BpfChannelsOptions> options, ILoggerFactory? loggers)
    {
        _registrations = [.. registrations];
        _options = options.Value;
        _logger = (ILogger?)loggers?.CreateLogger("BpfChannels.Objects") ?? NullLogger.Instance;
        if (loggers is not null)
        {
            ILogger libbpf = loggers.CreateLogger("BpfChannels.Libbpf");
            BpfLibbpfLog.SetHandler((level, message) => LogLibbpf(libbpf, level, message));
            _logsLibbpf = true;
        }
    }

    /// <summary>The loaded objects, in registration order.</summary>
    /// <exception cref="BpfException">An object failed to load.</exception>
    public IReadOnlyList<BpfObject> Objects => [.. Load().Values];

    /// <summary>The object registered as <paramref name="name"/>, loaded.</summary>
    /// <param name="name">The registration name.</param>
    /// <returns>The object.</returns>
    /// <exception cref="KeyNotFoundException">No object has that name.</exception>
    /// <exception cref="BpfException">An object failed to load.</exception>
    public BpfObject GetObject(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Load().TryGetValue(name, out BpfObject? found)
            ? found
            : throw new KeyNotFoundException($"No BPF object named '{name}' is registered (registered: {string.Join(", ", _registrations.Select(r => r.Name))}).");
    }

    /// <summary>Finds a map by name in the loaded objects; <c>object/map</c> picks the object.</summary>
    /// <param name="name">The map name, or <c>object/map</c>.</param>
    /// <returns>The map (owned by its object), or <see langword="null"/>.</returns>
    /// <exception cref="InvalidOperationException">Several objects have a map of that name.</exception>
    public BpfMap? FindMap(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Dictionary<string, BpfObject> objects = Load();
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            return objects.TryGetValue(name[..slash], out BpfObject? owner) && owner.TryGetMapDefinition(name[(slash + 1)..], out BpfObjectMap? map) ? map.Map : null;
        }

        BpfMap? found = null;
        foreach ((string objectName, BpfObject obj) in objects)
        {
            if (obj.TryGetMapDefinition(name, out BpfObjectMap? map))
            {
                found = found is null ? map.Map : throw new InvalidOperationException($"Several BPF objects have a map named '{name}'; name it as '{objectName}/{name}'.");
            }
        }

        return found;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_logsLibbpf)
            {
                BpfLibbpfLog.SetHandler(null);
            }

            foreach (BpfObject obj in _objects?.Values ?? Enumerable.Empty<BpfObject>())
            {
                obj.Dispose();
            }
        }
    }

    private static void LogLibbpf(ILogger logger, BpfLibbpfLogLevel level, string message)
    {
        message = message.TrimEnd();
        switch (level)
        {
            case BpfLibbpfLogLevel.Warning:
                Log.LibbpfWarning(logger, message);
                break;
            case BpfLibbpfLogLevel.Info:
                Log.LibbpfInfo(logger, message);
                break;
            default:
                Log.LibbpfDebug(logger, message);
                break;
        }
    }

    internal Dictionary<string, BpfObject> Load()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_objects is not null)
            {
                return _objects;
            }

            var loaded = new Dictionary<string, BpfObject>(StringComparer.Ordinal);
            try
            {
                foreach (BpfObjectRegistration registration in _registrations)
                {
                    var options = new BpfObjectOptions { ObjectName = registration.Name, PinRoot = registration.PinMaps ? _options.PinRoot : null };
                    BpfObject obj = registration.Open(options);
                    loaded.Add(registration.Name, obj);
                    registration.BeforeLoad?.Invoke(obj);
                    obj.Load();
                    registration.AfterLoad?.Invoke(obj);
                    Log.ObjectLoaded(_logger, registration.Name, obj.Maps.Count, obj.Programs.Count);
                }
            }
            catch
            {
                foreach (BpfObject obj in loaded.Values)
                {
                    obj.Dispose();
                }

                throw;
            }

            _objects = loaded;
            return loaded;
        }
    }
}
