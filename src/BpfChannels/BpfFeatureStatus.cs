namespace BpfChannels;

/// <summary>What a <see cref="BpfFeatures"/> probe found: whether this kernel supports the feature and, either way, what showed it.</summary>
/// <param name="IsSupported">Whether the kernel supports the feature.</param>
/// <param name="Errno">The errno the kernel answered the probe with (0 when it accepted it, or when a file, not a call, decided).</param>
/// <param name="Reason">What was probed and what the kernel said, naming the missing facility when there is one.</param>
public readonly record struct BpfFeatureStatus(bool IsSupported, int Errno, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => IsSupported ? $"supported: {Reason}" : $"not supported: {Reason}";
}
