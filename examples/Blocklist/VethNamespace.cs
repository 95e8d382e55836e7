using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Blocklist;

/// <summary>
/// A network namespace holding one end of a veth pair whose other end stays here, set up with <c>ip</c> and removed
/// on dispose (removing the namespace removes its veth end, and with it the pair).
/// </summary>
/// <remarks>Not thread-safe for <see cref="Dispose"/>; <see cref="SendDatagramsAsync"/> may run concurrently.</remarks>
public sealed class VethNamespace : IDisposable
{
    private bool _disposed;

    private VethNamespace(string name, string hostInterface, string peerInterface, IPAddress hostAddress, IPAddress peerAddress)
    {
        Name = name;
        HostInterface = hostInterface;
        PeerInterface = peerInterface;
        HostAddress = hostAddress;
        PeerAddress = peerAddress;
    }

    /// <summary>The namespace's name (as <c>ip netns</c> lists it).</summary>
    public string Name { get; }

    /// <summary>The veth end in this process's namespace.</summary>
    public string HostInterface { get; }

    /// <summary>The veth end inside the namespace.</summary>
    public string PeerInterface { get; }

    /// <summary>The address of <see cref="HostInterface"/>.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The address of <see cref="PeerInterface"/>.</summary>
    public IPAddress PeerAddress { get; }

    /// <summary>Whether the tools this needs (<c>ip</c>, <c>bash</c>) are installed.</summary>
    public static bool CanCreate([NotNullWhen(false)] out string? reason)
    {
        foreach (string tool in (string[])["ip", "bash"])
        {
            if (FindTool(tool) is null)
            {
                reason = $"'{tool}' is not installed ({(tool == "ip" ? "iproute2" : "bash")} package)";
                return false;
            }
        }

        reason = null;
        return true;
    }

    /// <summary>
    /// Creates the namespace and the pair, gives both ends their addresses and brings them up. Leftovers of the same
    /// names (from a run that was killed) are removed first; on failure, whatever was created is removed again.
    /// </summary>
    /// <exception cref="InvalidOperationException">An <c>ip</c> command failed; the message has its output.</exception>
    public static VethNamespace Create(string name, string hostInterface, string peerInterface, IPAddress hostAddress, IPAddress peerAddress, int prefixLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(hostInterface);
        ArgumentException.ThrowIfNullOrWhiteSpace(peerInterface);
        ArgumentNullException.ThrowIfNull(hostAddress);
        ArgumentNullException.ThrowIfNull(peerAddress);
        var created = new VethNamespace(name, hostInterface, peerInterface, hostAddress, peerAddress);
        created.Remove();
        try
        {
            string host = $"{hostAddress}/{prefixLength.ToString(CultureInfo.InvariantCulture)}";
            string peer = $"{peerAddress}/{prefixLength.ToString(CultureInfo.InvariantCulture)}";
            Ip("netns", "add", name);
            Ip("link", "add", hostInterface, "type", "veth", "peer", "name", peerInterface, "netns", name);
            Ip("addr", "add", host, "dev", hostInterface);
            Ip("link", "set", hostInterface, "up");
            Ip("-n", name, "addr", "add", peer, "dev", peerInterface);
            Ip("-n", name, "link", "set", peerInterface, "up");
            Ip("-n", name, "link", "set", "lo", "up");
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="count"/> UDP datagrams from inside the namespace to <paramref name="destination"/>.</summary>
    /// <returns>A task that completes when the sender has exited.</returns>
    /// <exception cref="InvalidOperationException">The sender failed.</exception>
    public async Task SendDatagramsAsync(IPEndPoint destination, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // bash opens /dev/udp/HOST/PORT as a connected UDP socket: one datagram per redirection, no other tool needed.
        string script = $"for i in $(seq {count.ToString(CultureInfo.InvariantCulture)}); do echo probe > /dev/udp/{destination.Address}/{destination.Port.ToString(CultureInfo.InvariantCulture)}; done";
        (int exit, string output) = await RunAsync("ip", ["netns", "exec", Name, "bash", "-c", script], cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"Sending from namespace {Name} failed ({exit}): {output.Trim()}");
        }
    }

    /// <summary>Removes the namespace and the veth pair.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Remove();
    }

    private void Remove()
    {
        // Either may be missing (never created, or gone with the other); both are tried.
        _ = TryIp("link", "del", HostInterface);
        _ = TryIp("netns", "del", Name);
    }

    private static void Ip(params string[] args)
    {
        (int exit, string output) = RunAsync("ip", args, CancellationToken.None).GetAwaiter().GetResult();
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({exit}): {output.Trim()}");
        }
    }

    private static bool TryIp(params string[] args) => RunAsync("ip", args, CancellationToken.None).GetAwaiter().GetResult().Exit == 0;

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(FindTool(file) ?? file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static string? FindTool(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':').Append("/usr/sbin").Append("/sbin"))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
