using System.Net;
using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Blocklist;

/// <summary>Builds the Blocklist host: the BPF object (generated bindings) with pinned maps, its two map channels and the worker.</summary>
public static class BlocklistApp
{
    public const string ObjectName = "blocklist";

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddOptions<BlocklistOptions>()
            .Bind(builder.Configuration.GetSection(BlocklistOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BlocklistOptions>, BlocklistOptionsValidator>();
        builder.Services.AddBpfChannels(builder.Configuration.GetSection(BpfChannelsOptions.SectionName))
            .AddBlocklistBpf(bpf =>
            {
                bpf.ObjectName = ObjectName;
                bpf.PinMaps = true;                // the blocklist survives restarts
                bpf.WithChannel(m => m.Blocklist)  // LpmKey<uint> from struct ipv4_prefix { prefixlen; addr; }
                   .WithChannel(m => m.Drops);
            });
        builder.Services.AddSingleton<BlocklistStatus>();
        builder.Services.AddHostedService<BlocklistWorker>();
        return builder;
    }

    /// <summary>Parses "10.0.0.2" (one address, /32) or "198.51.100.0/24" into a blocklist key.</summary>
    /// <exception cref="FormatException">Not an IPv4 address or prefix.</exception>
    public static LpmKey<uint> ParsePrefix(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        (IPAddress address, int length) = text.Contains('/', StringComparison.Ordinal) ? LpmKey.ParseCidr(text) : (IPAddress.Parse(text), 32);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? LpmKey.IPv4(address, length)
            : throw new FormatException($"'{text}' is not an IPv4 address or prefix.");
    }

    /// <summary>Adds <paramref name="prefix"/> to the blocklist with NoExist: the outcome is EEXIST when it is already there.</summary>
    public static Task<MapWriteOutcome<LpmKey<uint>, byte>> BlockAsync(MapChannel<LpmKey<uint>, byte> blocklist, LpmKey<uint> prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocklist);
        return blocklist.WriteAsync(MapWrite.Update(prefix, (byte)1, BpfMapUpdateFlags.NoExist), cancellationToken);
    }

    /// <summary>Removes <paramref name="prefix"/> from the blocklist: the outcome is ENOENT when it was not there.</summary>
    public static Task<MapWriteOutcome<LpmKey<uint>, byte>> UnblockAsync(MapChannel<LpmKey<uint>, byte> blocklist, LpmKey<uint> prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocklist);
        return blocklist.WriteAsync(MapWrite.Delete<LpmKey<uint>, byte>(prefix), cancellationToken);
    }
}
