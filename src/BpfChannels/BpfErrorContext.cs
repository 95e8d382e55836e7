namespace BpfChannels;

/// <summary>
/// What the library knows about a failed call beyond its errno, so the advice names the cause that applies:
/// the map's descriptor mode and frozen state, or the pin path and how it was opened.
/// </summary>
internal readonly record struct BpfErrorContext
{
    /// <summary>The map's state, read when the error is built (null when the call was not on a map).</summary>
    public MapAccessState? Map { get; init; }

    /// <summary>The bpffs path a pin command acted on.</summary>
    public string? PinPath { get; init; }

    /// <summary>The access a BPF_OBJ_GET asked for.</summary>
    public BpfPinAccess PinAccess { get; init; }
}

/// <summary>How user space may use a map: its descriptor's mode and whether it is frozen.</summary>
/// <param name="Frozen">BPF_MAP_FREEZE has run: user space can no longer write the map.</param>
/// <param name="ReadOnlyDescriptor">The descriptor was opened read-only (BPF_F_RDONLY, or a map created read-only for user space).</param>
/// <param name="WriteOnlyDescriptor">The descriptor was opened write-only (BPF_F_WRONLY).</param>
internal readonly record struct MapAccessState(bool Frozen, bool ReadOnlyDescriptor, bool WriteOnlyDescriptor);
