using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting;

/// <summary>Registers map channels and map sources; returned by <c>AddBpfChannels</c>.</summary>
/// <remarks>Use it while configuring services, before the provider is built; not thread-safe.</remarks>
public sealed class BpfChannelsBuilder
{
    internal BpfChannelsBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection the channels are registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers a map channel named <paramref name="name"/>, polled by the hosted service at its interval and
    /// available from <see cref="BpfChannelRegistry.GetChannel{TKey, TValue}"/>. A map that is not there at start-up is
    /// waited for (unless <see cref="BpfMapChannelOptions.Required"/>), a pin that comes to name another map is followed
    /// (the channel re-lists, see <see cref="MapChannel.Relisted"/>), and a map that goes away is reopened from its source.
    /// </summary>
    /// <typeparam name="TKey">The key type (the map's key size).</typeparam>
    /// <typeparam name="TValue">The value type (the map's value size).</typeparam>
    /// <param name="name">The channel's name; also its key under <c>BpfChannels:Maps</c> in configuration.</param>
    /// <param name="mapFactory">
    /// Supplies the map (it stays the caller's to dispose; called again to reopen it when the map it gave is disposed);
    /// <see langword="null"/> asks the registered <see cref="BpfMapSource"/>s, then opens <see cref="BpfMapChannelOptions.PinPath"/>.
    /// </param>
    /// <param name="configure">Configures the channel after configuration binding, or <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    public BpfChannelsBuilder AddMapChannel<TKey, TValue>(string name, Func<IServiceProvider, BpfMap<TKey, TValue>>? mapFactory = null, Action<BpfMapChannelOptions>? configure = null)
        where TKey : unmanaged
        where TValue : unmanaged
        => Register<TKey, TValue>(
            name,
            mapFactory is null ? null : sp => mapFactory(sp).Map,
            (channelName, options) => new MapChannel<TKey, TValue>(channelName, options),
            configure);

    /// <summary>
    /// Registers a channel over a per-CPU map whose values are every CPU's values combined by <paramref name="aggregate"/>
    /// (see <see cref="PerCpuMapChannel.Aggregated{TKey, TValue}(BpfPerCpuMap{TKey, TValue}, Func{ReadOnlySpan{TValue}, TValue}, MapChannelOptions?)"/>); otherwise like <see cref="AddMapChannel"/>.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The per-CPU value type.</typeparam>
    /// <param name="name">The channel's name; also its key under <c>BpfChannels:Maps</c> in configuration.</param>
    /// <param name="aggregate">Combines the values of all possible CPUs, e.g. their sum.</param>
    /// <param name="mapFactory">Supplies the map, or <see langword="null"/> to ask the map sources, then open the pin path.</param>
    /// <param name="configure">Configures the channel after configuration binding, or <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="aggregate"/> is <see langword="null"/>.</exception>
    public BpfChannelsBuilder AddPerCpuMapChannel<TKey, TValue>(string name, Func<ReadOnlySpan<TValue>, TValue> aggregate, Func<IServiceProvider, BpfPerCpuMap<TKey, TValue>>? mapFactory = null, Action<BpfMapChannelOptions>? configure = null)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return Register<TKey, TValue>(
            name,
            mapFactory is null ? null : sp => mapFactory(sp).Map,
            (channelName, options) => PerCpuMapChannel.Aggregated<TKey, TValue>(channelName, aggregate, options),
            configure);
    }

    /// <summary>Registers a source of maps by name, asked by every channel registered without a map factory.</summary>
    /// <param name="source">Returns the named map, or <see langword="null"/> if it has none. The source keeps ownership of its maps.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public BpfChannelsBuilder AddMapSource(Func<IServiceProvider, string, BpfMap?> source)
    {
        Services.AddSingleton(new BpfMapSource(source));
        return this;
    }

    private BpfChannelsBuilder Register<TKey, TValue>(string name, Func<IServiceProvider, BpfMap>? mapFactory, Func<string, MapChannelOptions, MapChannel> createChannel, Action<BpfMapChannelOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        HostedRegistration.Add(Services, new MapChannelRegistration(name, typeof(TKey), typeof(TValue), mapFactory, createChannel), MapChannelRegistration.Kind);
        Services.Configure<BpfChannelsOptions>(options =>
        {
            BpfMapChannelOptions map = options.GetOrAddMap(name);
            configure?.Invoke(map);
        });
        return this;
    }
}
