namespace BpfChannels.Hosting;

/// <summary>
/// Supplies maps to channels by name, e.g. from a loaded BPF object. Register one with
/// <see cref="BpfChannelsBuilder.AddMapSource"/>; a channel without its own map factory asks each source in
/// registration order and takes the first map returned, before falling back to its pin path.
/// </summary>
/// <remarks>The source keeps ownership of the maps it returns; channels never dispose them.</remarks>
public sealed class BpfMapSource
{
    private readonly Func<IServiceProvider, string, BpfMap?> _resolve;

    /// <summary>Creates a source from a delegate.</summary>
    /// <param name="resolve">Returns the map named by its second argument, or <see langword="null"/> if this source has none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolve"/> is <see langword="null"/>.</exception>
    public BpfMapSource(Func<IServiceProvider, string, BpfMap?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        _resolve = resolve;
    }

    /// <summary>Asks the source for a map.</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="name">The channel's name.</param>
    /// <returns>The map, or <see langword="null"/>.</returns>
    public BpfMap? Resolve(IServiceProvider services, string name) => _resolve(services, name);
}
