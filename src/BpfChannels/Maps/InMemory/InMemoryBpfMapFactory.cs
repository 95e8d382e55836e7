namespace BpfChannels;

/// <summary>Creates in-memory twins, validating the spec as <see cref="KernelBpfMapFactory"/> does and refusing what BPF_MAP_CREATE refuses.</summary>
internal sealed class InMemoryBpfMapFactory : BpfMapFactory
{
    public override bool IsInMemory => true;

    public override BpfMap Create(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = spec.Validate();
        if (!InMemoryBpfMap.IsSupported(spec.Type))
        {
            throw new NotSupportedException($"The in-memory twin does not model {spec.Type} maps; it models hash, LRU hash, array, per-CPU hash and array, queue, stack, LPM trie, maps of maps and ring buffers (creation).");
        }

        if (spec.InnerMap is { IsInMemory: false })
        {
            throw new ArgumentException("An in-memory map of maps needs an in-memory inner map template.", nameof(spec));
        }

        int errno = TwinCreateRules.Check(spec);
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.MapCreate, spec.Name);
        }

        return new InMemoryBpfMap(spec);
    }
}
