using System.Net;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// A veth pair with a random suffix: the host end in this namespace, the peer in a network namespace made for the test
/// (or, without one, also here). Addresses 10.213.x.y/30 where x.y are random, so concurrent runs cannot collide.
/// Dispose deletes the namespace and the pair.
/// </summary>
internal sealed class TestVethPair : IDisposable
{
    private const string Ip = "/usr/sbin/ip";

    internal TestVethPair(bool withNamespace)
    {
        BpfTestEnvironment.RequireTool("ip");
        string suffix = Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        HostName = "bca" + suffix;
        PeerName = "bcb" + suffix;
        Namespace = withNamespace ? "bpfchan-" + suffix : null;
        int subnet = Random.Shared.Next(1, 16383) * 4;
        HostAddress = IPAddress.Parse($"10.213.{subnet / 256}.{(subnet % 256) + 1}");
        PeerAddress = IPAddress.Parse($"10.213.{subnet / 256}.{(subnet % 256) + 2}");
        try
        {
            _ = BpfTestEnvironment.Run(Ip, "link", "add", HostName, "type", "veth", "peer", "name", PeerName);
            if (Namespace is not null)
            {
                _ = BpfTestEnvironment.Run(Ip, "netns", "add", Namespace);
                _ = BpfTestEnvironment.Run(Ip, "link", "set", PeerName, "netns", Namespace);
            }

            _ = BpfTestEnvironment.Run(Ip, "addr", "add", $"{HostAddress}/30", "dev", HostName);
            _ = BpfTestEnvironment.Run(Ip, "link", "set", HostName, "up");
            _ = InPeer("addr", "add", $"{PeerAddress}/30", "dev", PeerName);
            _ = InPeer("link", "set", PeerName, "up");
            if (Namespace is not null)
            {
                _ = InPeer("link", "set", "lo", "up");
            }

            HostIndex = int.Parse(File.ReadAllText($"/sys/class/net/{HostName}/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal string HostName { get; }

    internal string PeerName { get; }

    internal string? Namespace { get; }

    internal IPAddress HostAddress { get; }

    internal IPAddress PeerAddress { get; }

    internal int HostIndex { get; }

    /// <summary>Runs a command in the peer's namespace (or here, without one).</summary>
    internal string RunInPeer(string file, params string[] args) => Namespace is null
        ? BpfTestEnvironment.Run(file, args)
        : BpfTestEnvironment.Run(Ip, ["netns", "exec", Namespace, file, .. args]);

    /// <summary>Sends <paramref name="count"/> UDP datagrams from the peer to the host address and port.</summary>
    internal void SendUdpFromPeer(int port, int count) =>
        RunInPeer("/bin/bash", "-c", $"for i in $(seq {count}); do echo packet$i > /dev/udp/{HostAddress}/{port}; done");

    public void Dispose()
    {
        _ = BpfTestEnvironment.RunWithExit(Ip, ["link", "del", HostName], out _);
        if (Namespace is not null)
        {
            _ = BpfTestEnvironment.RunWithExit(Ip, ["netns", "del", Namespace], out _);
        }
    }

    private string InPeer(params string[] args) => Namespace is null ? BpfTestEnvironment.Run(Ip, args) : BpfTestEnvironment.Run(Ip, ["-n", Namespace, .. args]);
}
