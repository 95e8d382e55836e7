namespace BpfChannels;

/// <summary>How <see cref="BpfObject"/> opens an ELF object.</summary>
/// <remarks>Not thread-safe; build one per open.</remarks>
public sealed class BpfObjectOptions
{
    /// <summary>The default size of the buffer that receives the verifier log of a rejected program: 1 MiB.</summary>
    public const int DefaultVerifierLogSize = 1 << 20;

    /// <summary>Overrides the object's name (by default the file name, or the name given for memory).</summary>
    public string? ObjectName { get; set; }

    /// <summary>
    /// The bpffs directory under which maps declared with <c>__uint(pinning, LIBBPF_PIN_BY_NAME)</c> are pinned
    /// by name and, when a pin already exists there, reused on the next load (libbpf's default is /sys/fs/bpf).
    /// </summary>
    public string? PinRoot { get; set; }

    /// <summary>
    /// The size of the buffer that receives the verifier log when a program is rejected; the log is then in
    /// <see cref="BpfVerifierException.VerifierLog"/>. Zero disables capturing it. Default <see cref="DefaultVerifierLogSize"/>.
    /// </summary>
    public int VerifierLogSize { get; set; } = DefaultVerifierLogSize;
}
