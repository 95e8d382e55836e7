using System.ComponentModel.DataAnnotations;

namespace Blocklist;

/// <summary>The "Blocklist" configuration section.</summary>
public sealed class BlocklistOptions : IValidatableObject
{
    public const string SectionName = "Blocklist";

    /// <summary>Addresses ("10.0.0.2") or prefixes ("198.51.100.0/24") added to the blocklist at start-up with NoExist.</summary>
    public List<string> Block { get; set; } = [];

    /// <summary>Addresses or prefixes removed from the blocklist at start-up (after <see cref="Block"/>).</summary>
    public List<string> Unblock { get; set; } = [];

    /// <summary>The network namespace created for the peer end of the veth pair.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string Namespace { get; set; } = "bpfchan-blocklist";

    /// <summary>The veth end that stays in this namespace; the XDP program is attached to it.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,15}$")]
    public string HostInterface { get; set; } = "blk-host";

    /// <summary>The veth end moved into <see cref="Namespace"/>; traffic is sent from it.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,15}$")]
    public string PeerInterface { get; set; } = "blk-peer";

    /// <summary>The IPv4 address of <see cref="HostInterface"/>.</summary>
    [Required]
    public string HostAddress { get; set; } = "10.199.0.1";

    /// <summary>The IPv4 address of <see cref="PeerInterface"/>: the source of the traffic the program sees.</summary>
    [Required]
    public string PeerAddress { get; set; } = "10.199.0.2";

    /// <summary>The prefix length of the veth pair's subnet.</summary>
    [Range(8, 30)]
    public int PrefixLength { get; set; } = 24;

    /// <summary>The UDP port on <see cref="HostAddress"/> that receives the traffic which gets through.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 9999;

    /// <summary>Whether to send a UDP datagram from the namespace every <see cref="TrafficInterval"/>.</summary>
    public bool SendTraffic { get; set; } = true;

    /// <summary>How often the built-in traffic is sent.</summary>
    public TimeSpan TrafficInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether to show the drop counters: a live view on a terminal, a line per change when the output is redirected.</summary>
    public bool PrintDrops { get; set; } = true;

    /// <summary>Stops the application after this long; unset, it runs until Ctrl+C.</summary>
    public TimeSpan? RunFor { get; set; }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TrafficInterval < TimeSpan.FromMilliseconds(10))
        {
            yield return new ValidationResult("TrafficInterval must be at least 10 ms.", [nameof(TrafficInterval)]);
        }

        foreach ((string name, string value) in new[] { (nameof(HostAddress), HostAddress), (nameof(PeerAddress), PeerAddress) })
        {
            if (!System.Net.IPAddress.TryParse(value, out System.Net.IPAddress? address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                yield return new ValidationResult($"{name} '{value}' is not an IPv4 address.", [name]);
            }
        }

        foreach (string prefix in Block.Concat(Unblock))
        {
            string? error = null;
            try
            {
                _ = BlocklistApp.ParsePrefix(prefix);
            }
            catch (FormatException e)
            {
                error = e.Message;
            }

            if (error is not null)
            {
                yield return new ValidationResult($"'{prefix}' is not an IPv4 address or prefix: {error}", [nameof(Block)]);
            }
        }
    }
}
