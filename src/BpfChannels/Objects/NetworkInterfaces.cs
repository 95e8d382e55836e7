using System.Globalization;

namespace BpfChannels;

/// <summary>Network interface names to indexes, as /sys/class/net publishes them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class NetworkInterfaces
{
    /// <summary>The index of the interface named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">There is no interface of that name.</exception>
    internal static int IndexOf(string name)
    {
        string path = Path.Combine("/sys/class/net", name, "ifindex");
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.') || !File.Exists(path))
        {
            throw new ArgumentException($"There is no network interface '{name}' (see /sys/class/net).", nameof(name));
        }

        return int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
    }
}
