namespace BpfChannels;

/// <summary>The level of a libbpf log message (enum libbpf_print_level).</summary>
public enum BpfLibbpfLogLevel
{
    /// <summary>LIBBPF_WARN: something failed or will fail.</summary>
    Warning = 0,

    /// <summary>LIBBPF_INFO: progress worth knowing.</summary>
    Info = 1,

    /// <summary>LIBBPF_DEBUG: detail for diagnosing libbpf itself.</summary>
    Debug = 2,
}
