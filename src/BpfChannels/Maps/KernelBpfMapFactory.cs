namespace BpfChannels;

/// <summary>Creates maps with BPF_MAP_CREATE: <see cref="BpfMapFactory.Kernel"/>, the factory of the kernel backend.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class KernelBpfMapFactory : BpfMapFactory
{
    public override bool IsInMemory => false;

    public override BpfMap Create(BpfMapSpec spec) => KernelBpfMap.CreateMap(spec);
}
