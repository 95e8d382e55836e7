using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Blocklist;
using BpfChannels.Hosting;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Examples.Tests;

/// <summary>The Blocklist example's host, run in-process against the kernel on a veth pair of its own.</summary>
public sealed class BlocklistTests
{
    [Fact]
    public async Task Host_BlockedSource_DroppedAndCountedUntilUnblocked_ListSurvivesRestart()
    {
        BpfTestEnvironment.RequireBpfFs();
        _ = BpfTestEnvironment.RequireTool("ip");
        _ = BpfTestEnvironment.RequireTool("bash");

        // Names, subnet, port and pin root of this run only, so parallel runs do not meet.
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        int a = RandomNumberGenerator.GetInt32(128, 255), b = RandomNumberGenerator.GetInt32(0, 256);
        var hostAddress = IPAddress.Parse($"10.{a}.{b}.1");
        var peerAddress = IPAddress.Parse($"10.{a}.{b}.2");
        int port = RandomNumberGenerator.GetInt32(20000, 60000);
        string pinRoot = Path.Combine(BpfSystem.DefaultBpfFsPath, $"bpfchannels-test-blocklist-{id}");
        string netns = $"bpfchan-bl-{id}";
        string hostInterface = $"bl{id}h";
        var settings = new Dictionary<string, string?>
        {
            ["Blocklist:Block:0"] = "198.51.100.0/24",
            ["Blocklist:Namespace"] = netns,
            ["Blocklist:HostInterface"] = hostInterface,
            ["Blocklist:PeerInterface"] = $"bl{id}p",
            ["Blocklist:HostAddress"] = hostAddress.ToString(),
            ["Blocklist:PeerAddress"] = peerAddress.ToString(),
            ["Blocklist:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Blocklist:SendTraffic"] = "false",
            ["Blocklist:PrintDrops"] = "false",
            ["BpfChannels:PinRoot"] = pinRoot,
            ["BpfChannels:Maps:drops:PollInterval"] = "00:00:00.050",
        };
        LpmKey<uint> kept = BlocklistApp.ParsePrefix("198.51.100.0/24");
        LpmKey<uint> peer = LpmKey.IPv4(peerAddress, 32);
        var destination = new IPEndPoint(hostAddress, port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            ulong dropped;
            using (IHost host = Build(settings))
            {
                await host.StartAsync(timeout.Token);
                var status = host.Services.GetRequiredService<BlocklistStatus>();
                VethNamespace network = await status.Ready.WaitAsync(timeout.Token);
                Assert.Equal(BpfError.None, status.Outcomes[kept]);

                var blocklist = host.Services.GetRequiredService<BpfChannelRegistry>().GetChannel<LpmKey<uint>, byte>("blocklist");
                Assert.Equal(BpfError.None, (await BlocklistApp.BlockAsync(blocklist, peer, timeout.Token)).Error);
                Assert.Equal(BpfError.AlreadyExists, (await BlocklistApp.BlockAsync(blocklist, peer, timeout.Token)).Error);

                await network.SendDatagramsAsync(destination, 3, timeout.Token);
                ulong first = await WaitForDropsAsync(status, peerAddress, 3, timeout.Token);
                await network.SendDatagramsAsync(destination, 3, timeout.Token);
                dropped = await WaitForDropsAsync(status, peerAddress, first + 3, timeout.Token);
                Assert.Equal(0, status.Received(peerAddress));

                Assert.Equal(BpfError.None, (await BlocklistApp.UnblockAsync(blocklist, peer, timeout.Token)).Error);
                await network.SendDatagramsAsync(destination, 3, timeout.Token);
                while (status.Received(peerAddress) < 3)
                {
                    await Task.Delay(20, timeout.Token);
                }

                BpfMap<uint, ulong> drops = host.Services.GetRequiredService<BpfObjectHost>().GetObject(BlocklistApp.ObjectName).GetMap<uint, ulong>("drops");
                Assert.Equal(dropped, drops[peer.Data]);
                await host.StopAsync(timeout.Token);
            }

            Assert.False(File.Exists($"/var/run/netns/{netns}"), "the namespace is removed when the host stops");
            Assert.Equal(2, Directory.GetFiles(pinRoot).Length);

            // A second run over the same pins: the list and the counters are the ones the first run left.
            using (IHost host = Build(settings))
            {
                await host.StartAsync(timeout.Token);
                var status = host.Services.GetRequiredService<BlocklistStatus>();
                _ = await status.Ready.WaitAsync(timeout.Token);
                Assert.Equal(BpfError.AlreadyExists, status.Outcomes[kept]);

                BpfObject obj = host.Services.GetRequiredService<BpfObjectHost>().GetObject(BlocklistApp.ObjectName);
                BpfMap<LpmKey<uint>, byte> list = obj.GetMap<LpmKey<uint>, byte>("blocklist");
                Assert.True(list.TryLookup(kept, out _));
                Assert.False(list.TryLookup(peer, out _));
                Assert.Equal(dropped, obj.GetMap<uint, ulong>("drops")[peer.Data]);
                await host.StopAsync(timeout.Token);
            }
        }
        finally
        {
            _ = BpfTestEnvironment.RunWithExit("ip", ["link", "del", hostInterface], out _);
            _ = BpfTestEnvironment.RunWithExit("ip", ["netns", "del", netns], out _);
            if (Directory.Exists(pinRoot))
            {
                foreach (string pin in Directory.GetFiles(pinRoot))
                {
                    File.Delete(pin);
                }

                Directory.Delete(pinRoot);
            }
        }
    }

    [Fact]
    public void ParsePrefix_AddressOrCidr_Key()
    {
        Assert.Equal("10.1.2.3/32", BlocklistApp.ParsePrefix("10.1.2.3").ToString());
        Assert.Equal("198.51.100.0/24", BlocklistApp.ParsePrefix("198.51.100.0/24").ToString());
        _ = Assert.Throws<FormatException>(() => BlocklistApp.ParsePrefix("fd00::1"));
    }

    [Fact]
    public void Format_Updated_ShowsAddressCountAndIncrease()
    {
        uint source = LpmKey.IPv4(IPAddress.Parse("10.199.0.2"), 32).Data;
        string line = BlocklistWorker.Format(new MapChange<uint, ulong>(MapChangeKind.Updated, source, 7, 5));
        Assert.Contains("10.199.0.2", line);
        Assert.Contains(" 7", line);
        Assert.Contains("(+2)", line);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = BlocklistApp.CreateBuilder([]);

        // Only this test's settings: the output directory holds more than one example's appsettings.json.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        return builder.Build();
    }

    private static async Task<ulong> WaitForDropsAsync(BlocklistStatus status, IPAddress source, ulong atLeast, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (status.TryGetDrops(source, out ulong drops) && drops >= atLeast)
            {
                return drops;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
