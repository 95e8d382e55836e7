namespace BpfChannels;

/// <summary>Which side of a network interface a tc program runs on.</summary>
public enum BpfTcDirection
{
    /// <summary>Packets the interface receives (BPF_TC_INGRESS).</summary>
    Ingress = 1,

    /// <summary>Packets the interface sends (BPF_TC_EGRESS).</summary>
    Egress = 2,
}
