using System.Diagnostics.Metrics;

namespace BpfChannels.Hosting;

/// <summary>A ring buffer registered with <see cref="BpfChannelsBuilderRingBufferExtensions.AddRingBuffer{T}"/>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal abstract class BpfRingBufferRegistration(string name, Func<IServiceProvider, BpfMap>? mapFactory) : IHostedRegistration
{
    public const string Kind = "ring buffer";

    public string Name { get; } = name;

    public Func<IServiceProvider, BpfMap>? MapFactory { get; } = mapFactory;

    public abstract Type RecordType { get; }

    /// <summary>Starts reading <paramref name="map"/> into a shared (hot) stream of records, counted on <paramref name="meters"/>' meter.</summary>
    public abstract BpfRingBufferStream Start(BpfMap map, IMeterFactory? meters);
}

/// <summary>A ring buffer of <typeparamref name="T"/> records.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BpfRingBufferRegistration<T>(string name, Func<IServiceProvider, BpfMap>? mapFactory) : BpfRingBufferRegistration(name, mapFactory)
    where T : unmanaged
{
    public override Type RecordType => typeof(T);

    public override BpfRingBufferStream Start(BpfMap map, IMeterFactory? meters) => new BpfRingBufferStream<T>(Name, map, meters);
}
