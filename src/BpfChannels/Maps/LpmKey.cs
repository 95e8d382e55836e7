using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

/// <summary>
/// A key of an LPM trie: a prefix length in bits followed by the data, as <c>struct bpf_lpm_trie_key</c>
/// lays it out (host-order u32, then the data in network order).
/// </summary>
/// <typeparam name="TData">The data: <see cref="uint"/> holding IPv4 bytes, <see cref="IPv6Bytes"/>, or any unmanaged struct.</typeparam>
/// <param name="prefixLength">The number of leading data bits that form the prefix.</param>
/// <param name="data">The data.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly struct LpmKey<TData>(int prefixLength, TData data) : IEquatable<LpmKey<TData>>
    where TData : unmanaged
{
    private readonly uint _prefixLength = (uint)prefixLength;
    private readonly TData _data = data;

    /// <summary>The prefix length in bits.</summary>
    public int PrefixLength => (int)_prefixLength;

    /// <summary>The data.</summary>
    public TData Data => _data;

    /// <inheritdoc/>
    public bool Equals(LpmKey<TData> other) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<LpmKey<TData>>(in this)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<LpmKey<TData>>(in other)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LpmKey<TData> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(MemoryMarshal.AsBytes(new ReadOnlySpan<LpmKey<TData>>(in this)));
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => typeof(TData) == typeof(uint)
        ? $"{new IPAddress(Unsafe.As<TData, uint>(ref Unsafe.AsRef(in _data)))}/{PrefixLength}"
        : typeof(TData) == typeof(IPv6Bytes)
            ? $"{new IPAddress((ReadOnlySpan<byte>)Unsafe.As<TData, IPv6Bytes>(ref Unsafe.AsRef(in _data)))}/{PrefixLength}"
            : $"{Convert.ToHexString(MemoryMarshal.AsBytes(new ReadOnlySpan<TData>(in _data)))}/{PrefixLength}";

    /// <summary>Whether two keys are equal.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(LpmKey<TData> left, LpmKey<TData> right) => left.Equals(right);

    /// <summary>Whether two keys differ.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(LpmKey<TData> left, LpmKey<TData> right) => !left.Equals(right);
}

/// <summary>Builds <see cref="LpmKey{TData}"/> values for IP prefixes.</summary>
public static class LpmKey
{
    /// <summary>An IPv4 prefix key (data in network order in a <see cref="uint"/>).</summary>
    /// <param name="address">An IPv4 address.</param>
    /// <param name="prefixLength">0 to 32.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The address is not IPv4 or the prefix length is out of range.</exception>
    public static LpmKey<uint> IPv4(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{address} is not an IPv4 address.", nameof(address));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 32);
        Span<byte> bytes = stackalloc byte[4];
        _ = address.TryWriteBytes(bytes, out _);
        return new LpmKey<uint>(prefixLength, MemoryMarshal.Read<uint>(bytes));
    }

    /// <summary>An IPv6 prefix key.</summary>
    /// <param name="address">An IPv6 address.</param>
    /// <param name="prefixLength">0 to 128.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The address is not IPv6 or the prefix length is out of range.</exception>
    public static LpmKey<IPv6Bytes> IPv6(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"{address} is not an IPv6 address.", nameof(address));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 128);
        IPv6Bytes data = default;
        _ = address.TryWriteBytes(data, out _);
        return new LpmKey<IPv6Bytes>(prefixLength, data);
    }

    /// <summary>Parses "10.0.0.0/8" or "fd00::/8".</summary>
    /// <param name="cidr">The prefix in CIDR notation.</param>
    /// <returns>The key's prefix length and address.</returns>
    /// <exception cref="FormatException">Not CIDR notation.</exception>
    public static (IPAddress Address, int PrefixLength) ParseCidr(string cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        IPNetwork network = IPNetwork.Parse(cidr);
        return (network.BaseAddress, network.PrefixLength);
    }
}

/// <summary>The 16 bytes of an IPv6 address, in network order, with byte alignment (as <c>__u8 data[16]</c>).</summary>
[InlineArray(16)]
public struct IPv6Bytes
{
    private byte _element0;
}
