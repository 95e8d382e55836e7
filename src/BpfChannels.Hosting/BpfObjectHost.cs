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
    private readonly HostedEntries<BpfObjectRegistration, BpfObject> _objects;
    private readonly BpfChannelsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private bool _disposed;
    private readonly bool _logsLibbpf;

    internal BpfObjectHost(IEnumerable<BpfObjectRegistration> registrations, IOptions<BpfChannelsOptions> options, ILoggerFactory? loggers)
    {
        _objects = new HostedEntries<BpfObjectRegistration, BpfObject>(BpfObjectRegistration.Kind, registrations, Load, obj => obj.Dispose());
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
    public IReadOnlyList<BpfObject> Objects => [.. Load()];

    /// <summary>The object registered as <paramref name="name"/>, loaded.</summary>
    /// <param name="name">The registration name.</param>
    /// <returns>The object.</returns>
    /// <exception cref="KeyNotFoundException">No object has that name.</exception>
    /// <exception cref="BpfException">An object failed to load.</exception>
    public BpfObject GetObject(string name) => _objects.Get(name);

    /// <summary>
    /// Loads the object registered as <paramref name="name"/> again (open, before-load step, load, after-load step) and
    /// then disposes the old one, with its maps, programs and links. Map channels that read one of its maps find their
    /// map gone and reopen it from this host: they re-list the new object's map (<see cref="MapChannel.Relisted"/>). Ring
    /// buffers of the object (<see cref="BpfRingBufferHost"/>) go on with the new object's ring, for the same subscribers.
    /// </summary>
    /// <param name="name">The registration name.</param>
    /// <returns>The newly loaded object.</returns>
    /// <exception cref="KeyNotFoundException">No object has that name.</exception>
    /// <exception cref="BpfException">The new load failed; the old object stays loaded.</exception>
    /// <exception cref="ObjectDisposedException">The host is disposed.</exception>
    /// <remarks>
    /// Thread-safe. Unpinned maps start empty in the new object; pinned ones (<see cref="BpfObjectRegistration.PinMaps"/>)
    /// keep their state. <see cref="Reloaded"/> runs between the two, while the old object is still open. Reloads of one
    /// object run one at a time, from the load to the disposal of the object it replaces: a reload that finds another of
    /// the same object in progress waits for it, so <see cref="Reloaded"/> reports the replacements in the order they
    /// happened. Reloads of different objects do not wait for each other, and a <see cref="Reloaded"/> handler may
    /// reload another object; two handlers that reload each other's objects (a's handler reloads b while b's reloads a)
    /// would wait for each other forever, so the second to wait throws <see cref="InvalidOperationException"/> instead.
    /// Disposing the host waits for a reload in progress; a reload that has not put its object in place by then throws
    /// <see cref="ObjectDisposedException"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// Called from a <see cref="Reloaded"/> handler of the same object's reload, or from a handler of another object's
    /// reload whose object this reload's handlers are reloading.
    /// </exception>
    public BpfObject Reload(string name)
    {
        BpfObjectReloadedEventArgs? reloaded = null;
        return _objects.Reopen(
            name,
            (old, loaded) => Raise(Reloaded, reloaded = new BpfObjectReloadedEventArgs(name, old, loaded)),
            (_, _) => Raise(Replaced, reloaded!)); // the same arguments: Reopen always runs the first step before the second
    }

    /// <summary>
    /// Raised by <see cref="Reload"/> after the old object is disposed (with its links: its programs run no more), still
    /// before another reload of the same object starts, with the same arguments as <see cref="Reloaded"/>: what must
    /// read the old object's maps until its programs are gone (a ring buffer's last records) moves here.
    /// </summary>
    internal event EventHandler<BpfObjectReloadedEventArgs>? Replaced;

    /// <summary>Raised when a <see cref="Reload"/> (or <see cref="Dispose"/>) waits for a reload of the same object to finish.</summary>
    internal event Action<string>? ReloadQueued
    {
        add => _objects.ReopenQueued += value;
        remove => _objects.ReopenQueued -= value;
    }

    /// <summary>
    /// Raised by <see cref="Reload"/> once <see cref="GetObject"/> returns the new object and before the old one is
    /// disposed, on the thread that called <see cref="Reload"/>: what holds the old object's maps, programs or links
    /// (typed bindings, attached programs) moves to the new one here.
    /// </summary>
    /// <remarks>
    /// Every handler runs, even when one before it throws; the old object is disposed after them, and then the
    /// exception (an <see cref="AggregateException"/> when several threw) leaves <see cref="Reload"/> (the new object
    /// stays loaded). Raised once per reload, in the order of the reloads: for one object, each event's
    /// <see cref="BpfObjectReloadedEventArgs.Previous"/> is the previous event's <see cref="BpfObjectReloadedEventArgs.Current"/>.
    /// A handler may call <see cref="GetObject"/>, <see cref="FindMap"/> and the host's other lookups, from any thread, and
    /// reload other objects; it must not reload the same object (on its own thread that throws; waiting for another
    /// thread that does would never end).
    /// </remarks>
    public event EventHandler<BpfObjectReloadedEventArgs>? Reloaded;

    private void Raise(EventHandler<BpfObjectReloadedEventArgs>? handlers, BpfObjectReloadedEventArgs e)
    {
        if (handlers is null)
        {
            return;
        }

        List<Exception>? failures = null;
        foreach (EventHandler<BpfObjectReloadedEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<BpfObjectReloadedEventArgs>>())
        {
            HostedFailures.Run(() => handler(this, e), ref failures);
        }

        HostedFailures.ThrowIfAny(failures, $"Handlers of the reload of BPF object '{e.Name}' failed.");
    }

    /// <summary>Finds a map by name in the loaded objects; <c>object/map</c> picks the object.</summary>
    /// <param name="name">The map name, or <c>object/map</c>.</param>
    /// <returns>The map (owned by its object), or <see langword="null"/>.</returns>
    /// <exception cref="InvalidOperationException">Several objects have a map of that name.</exception>
    public BpfMap? FindMap(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        BpfObject[] objects = Load();
        BpfObjectRegistration[] registrations = _objects.Registrations;
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        string? owner = slash > 0 ? name[..slash] : null;
        string mapName = slash > 0 ? name[(slash + 1)..] : name;
        BpfMap? found = null;
        for (int i = 0; i < objects.Length; i++)
        {
            if ((owner is null || registrations[i].Name == owner) && objects[i].TryGetMapDefinition(mapName, out BpfObjectMap? map))
            {
                found = found is null ? map.Map : throw new InvalidOperationException($"Several BPF objects have a map named '{name}'; name it as '{registrations[i].Name}/{name}'.");
            }
        }

        return found;
    }

    /// <summary>
    /// The map <paramref name="name"/> of the loaded object that holds <paramref name="sibling"/> (the same instance, or
    /// the same kernel map opened another way, such as its pin), or <see langword="null"/> when no loaded object holds
    /// <paramref name="sibling"/> or that object has no such map.
    /// </summary>
    internal BpfMap? FindMapBeside(BpfMap sibling, string name)
    {
        BpfObject[] objects = Load();
        BpfObject? owner = Array.Find(objects, obj => FindDefinition(obj, m => ReferenceEquals(m, sibling)) is not null);
        if (owner is null && !sibling.IsDisposed && !sibling.IsInMemory)
        {
            uint id = sibling.Id;
            owner = Array.Find(objects, obj => FindDefinition(obj, m => !m.IsDisposed && !m.IsInMemory && m.Id == id) is not null);
        }

        return owner is not null && owner.TryGetMapDefinition(name, out BpfObjectMap? map) ? map.Map : null;
    }

    /// <summary>
    /// The first map definition of <paramref name="obj"/> whose map <paramref name="match"/> accepts, or <see langword="null"/>;
    /// a definition without a map (one the object did not create, or an object a reload has just disposed) is passed over.
    /// </summary>
    internal static BpfObjectMap? FindDefinition(BpfObject obj, Func<BpfMap, bool> match)
    {
        foreach (BpfObjectMap definition in obj.Maps)
        {
            BpfMap loaded;
            try
            {
                loaded = definition.Map;
            }
            catch (InvalidOperationException)
            {
                continue;
            }

            if (match(loaded))
            {
                return definition;
            }
        }

        return null;
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
        }

        _objects.Close();
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

    /// <summary>Loads every registered object once, in registration order; a failure unloads the ones before it.</summary>
    internal BpfObject[] Load() => _objects.Open();

    private BpfObject Load(BpfObjectRegistration registration)
    {
        var options = new BpfObjectOptions { ObjectName = registration.Name, PinRoot = registration.PinMaps ? _options.PinRoot : null };
        BpfObject obj = registration.Open(options);
        try
        {
            registration.BeforeLoad?.Invoke(obj);
            obj.Load();
            registration.AfterLoad?.Invoke(obj);
        }
        catch
        {
            obj.Dispose();
            throw;
        }

        Log.ObjectLoaded(_logger, registration.Name, obj.Maps.Count, obj.Programs.Count);
        return obj;
    }
}
