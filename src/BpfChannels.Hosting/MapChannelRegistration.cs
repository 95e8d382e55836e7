namespace BpfChannels.Hosting;

/// <summary>A channel registered in code: its name, its types and how to build it over an untyped map.</summary>
internal sealed class MapChannelRegistration(
    string name,
    Type keyType,
    Type valueType,
    Func<IServiceProvider, BpfMap>? mapFactory,
    Func<BpfMap, MapChannelOptions, MapChannel> createChannel)
{
    public string Name { get; } = name;

    public Type KeyType { get; } = keyType;

    public Type ValueType { get; } = valueType;

    /// <summary>The map factory given at registration, if any; its maps belong to the caller.</summary>
    public Func<IServiceProvider, BpfMap>? MapFactory { get; } = mapFactory;

    public Func<BpfMap, MapChannelOptions, MapChannel> CreateChannel { get; } = createChannel;
}
