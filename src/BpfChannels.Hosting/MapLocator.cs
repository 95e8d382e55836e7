namespace BpfChannels.Hosting;

/// <summary>
/// The one lookup of a hosted map by name, for map channels and ring buffers alike: the registration's own factory,
/// then every <see cref="BpfMapSource"/> in registration order, then a pin path.
/// </summary>
/// <remarks>Thread-safe as far as the factories and sources are.</remarks>
internal sealed class MapLocator(IServiceProvider services, IEnumerable<BpfMapSource> sources)
{
    private readonly BpfMapSource[] _sources = [.. sources];

    /// <summary>Whether any map source is registered (a name none of them knows may still appear in one later).</summary>
    public bool HasSources => _sources.Length > 0;

    /// <summary>Looks for the map <paramref name="name"/>; a missing map is a result, not an exception.</summary>
    /// <param name="name">The registration's name.</param>
    /// <param name="factory">The registration's map factory, or <see langword="null"/>.</param>
    /// <param name="pinPath">The resolved pin path, or <see langword="null"/>.</param>
    /// <returns>The map and where it came from, or why there is none.</returns>
    /// <exception cref="InvalidOperationException">The registration has no way to get a map at all.</exception>
    /// <exception cref="BpfException">Opening the pin failed for a reason other than its absence (access, a non-map pin).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "CA1416", Justification = "A pin path names a bpffs pin, which exists only on Linux; channels over the in-memory twin come from a map factory.")]
    public MapLookup Find(string name, Func<IServiceProvider, BpfMap>? factory, string? pinPath)
    {
        if (factory is not null)
        {
            return Usable(factory(services), "its map factory", owned: false);
        }

        bool disposedInSource = false;
        foreach (BpfMapSource source in _sources)
        {
            if (source.Resolve(services, name) is { } found)
            {
                if (!found.IsDisposed)
                {
                    return new MapLookup(found, "a map source", Owned: false, Missing: null);
                }

                disposedInSource = true;
            }
        }

        if (pinPath is not null)
        {
            try
            {
                return new MapLookup(BpfMap.OpenPinned(pinPath), pinPath, Owned: true, Missing: null);
            }
            catch (BpfException e) when (e.Error == BpfError.NotFound)
            {
                return MapLookup.NotFound($"pin {pinPath} does not exist");
            }
        }

        if (disposedInSource)
        {
            return MapLookup.NotFound($"the map source's map '{name}' is disposed");
        }

        return _sources.Length > 0
            ? MapLookup.NotFound($"no map source has a map named '{name}'")
            : throw new InvalidOperationException(
                $"'{name}' has no map: pass a map factory, register a map source (AddObject, AddMapSource) that supplies '{name}', or set BpfChannels:Maps:{name}:PinPath.");
    }

    /// <summary>
    /// Looks for the map <paramref name="name"/> that goes with <paramref name="sibling"/>, such as the change ring of a
    /// notified channel's map: an unqualified name is looked for in the hosted BPF object that holds
    /// <paramref name="sibling"/> first, so of two objects that each declare one, a map's own is found; a name the map's
    /// object does not have, an <c>object/map</c> name and a map no hosted object holds are looked up as
    /// <see cref="Find"/> does (map sources, in registration order).
    /// </summary>
    /// <exception cref="InvalidOperationException">The name is not the map's object's and no map source is registered, or several objects have it.</exception>
    public MapLookup FindBeside(BpfMap sibling, string name)
    {
        if (OperatingSystem.IsLinux() && !name.Contains('/', StringComparison.Ordinal)
            && services.GetService(typeof(BpfObjectHost)) is BpfObjectHost objects
            && objects.FindMapBeside(sibling, name) is { IsDisposed: false } own)
        {
            return new MapLookup(own, "the map's own BPF object", Owned: false, Missing: null);
        }

        return Find(name, factory: null, pinPath: null);
    }

    private static MapLookup Usable(BpfMap map, string source, bool owned)
        => map.IsDisposed ? MapLookup.NotFound($"{source} returned a disposed map") : new MapLookup(map, source, owned, Missing: null);
}

/// <summary>What <see cref="MapLocator.Find"/> found.</summary>
/// <param name="Map">The map, or <see langword="null"/> when there is none yet.</param>
/// <param name="Source">Where it came from: "its map factory", "a map source", or the pin path.</param>
/// <param name="Owned">Whether the caller opened it (a pin) and must dispose it.</param>
/// <param name="Missing">Why there is no map, when <paramref name="Map"/> is <see langword="null"/>.</param>
internal readonly record struct MapLookup(BpfMap? Map, string Source, bool Owned, string? Missing)
{
    public static MapLookup NotFound(string reason) => new(null, string.Empty, false, reason);
}
