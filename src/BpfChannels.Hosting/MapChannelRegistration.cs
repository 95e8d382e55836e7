namespace BpfChannels.Hosting;

/// <summary>A channel registered in code: its name, its types and how to build it before its map is known.</summary>
internal sealed class MapChannelRegistration(
    string name,
    Type keyType,
    Type valueType,
    Func<IServiceProvider, BpfMap>? mapFactory,
    Func<string, MapChannelOptions, MapChannel> createChannel) : IHostedRegistration
{
    public const string Kind = "map channel";

    public string Name { get; } = name;

    public Type KeyType { get; } = keyType;

    public Type ValueType { get; } = valueType;

    /// <summary>The map factory given at registration, if any; its maps belong to the caller.</summary>
    public Func<IServiceProvider, BpfMap>? MapFactory { get; } = mapFactory;

    /// <summary>Creates the channel without a map (<see cref="MapChannel.Bind"/> gives it one when it is found).</summary>
    public Func<string, MapChannelOptions, MapChannel> CreateChannel { get; } = createChannel;
}
