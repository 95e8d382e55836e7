namespace BpfChannels.Hosting;

/// <summary>How one BPF object is opened and prepared before load; see <see cref="BpfChannelsBuilderObjectExtensions"/>.</summary>
/// <remarks>Configure it while building services; not thread-safe.</remarks>
public sealed class BpfObjectRegistration : IHostedRegistration
{
    internal const string Kind = "BPF object";

    internal BpfObjectRegistration(string name, Func<BpfObjectOptions, BpfObject> open)
    {
        Name = name;
        Open = open;
    }

    /// <summary>The object's name in the host: <see cref="BpfObjectHost.GetObject"/> finds it by this name.</summary>
    public string Name { get; }

    /// <summary>
    /// Pins the object's pin-by-name maps (LIBBPF_PIN_BY_NAME) under <see cref="BpfChannelsOptions.PinRoot"/>, so their
    /// state survives a restart; <see langword="false"/> by default.
    /// </summary>
    public bool PinMaps { get; set; }

    /// <summary>Runs after the object is opened and before it is loaded: set max entries, initial values, which programs load.</summary>
    public Action<BpfObject>? BeforeLoad { get; set; }

    /// <summary>Runs after the object is loaded: attach programs, write configuration maps.</summary>
    public Action<BpfObject>? AfterLoad { get; set; }

    internal Func<BpfObjectOptions, BpfObject> Open { get; }
}
