using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BpfChannels;
using BpfChannels.ExampleConsole;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Blocklist;

/// <summary>
/// Creates the namespace and veth pair, attaches the XDP program to the pair's end here, writes the configured
/// blocks (NoExist) and unblocks, shows each drop-counter change (a live view on a terminal, a plain line per change
/// when redirected), counts the datagrams that get through and, when
/// asked, sends traffic from the namespace. Everything it set up is removed when it stops, also on failure.
/// </summary>
internal sealed partial class BlocklistWorker(
    BlocklistBpf bpf,
    [FromKeyedServices(BlocklistBpf.MapName.Blocklist)] MapChannel<LpmKey<uint>, byte> blocklist,
    [FromKeyedServices(BlocklistBpf.MapName.Drops)] MapChannel<uint, ulong> drops,
    BlocklistStatus status,
    IOptions<BlocklistOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<BlocklistWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BlocklistOptions settings = options.Value;
        VethNamespace? network = null;
        BpfLink? link = null;
        UdpClient? receiver = null;
        IDisposable? follow = null;
        try
        {
            try
            {
                IPAddress hostAddress = IPAddress.Parse(settings.HostAddress);
                IPAddress peerAddress = IPAddress.Parse(settings.PeerAddress);
                network = VethNamespace.Create(settings.Namespace, settings.HostInterface, settings.PeerInterface, hostAddress, peerAddress, settings.PrefixLength);
                LogNetwork(logger, network.Name, network.HostInterface, hostAddress.ToString(), network.PeerInterface, peerAddress.ToString());
                link = bpf.Programs.BlocklistFilter.AttachXdp(network.HostInterface);
                receiver = new UdpClient(new IPEndPoint(hostAddress, settings.Port));

                foreach (string text in settings.Block)
                {
                    LpmKey<uint> prefix = BlocklistApp.ParsePrefix(text);
                    MapWriteOutcome<LpmKey<uint>, byte> outcome = await BlocklistApp.BlockAsync(blocklist, prefix, stoppingToken).ConfigureAwait(false);
                    status.RecordOutcome(prefix, outcome.Error);
                    LogBlock(logger, prefix.ToString(), outcome.Error == BpfError.AlreadyExists ? "already blocked (EEXIST)" : outcome.Error.ToErrnoName());
                }

                foreach (string text in settings.Unblock)
                {
                    LpmKey<uint> prefix = BlocklistApp.ParsePrefix(text);
                    MapWriteOutcome<LpmKey<uint>, byte> outcome = await BlocklistApp.UnblockAsync(blocklist, prefix, stoppingToken).ConfigureAwait(false);
                    status.RecordOutcome(prefix, outcome.Error);
                    LogUnblock(logger, prefix.ToString(), outcome.Error.ToErrnoName());
                }

                bool printLines = settings.PrintDrops && !LiveConsole.IsLive; // on a terminal the live view shows them
                follow = drops.Observe().Subscribe(change =>
                {
                    status.ApplyDrops(change);
                    if (printLines)
                    {
                        Console.WriteLine(Format(change));
                    }
                });
                status.SetReady(network);
            }
            catch (Exception e)
            {
                status.SetFailed(e);
                throw;
            }

            Task receiving = ReceiveAsync(receiver, stoppingToken);
            Task sending = settings.SendTraffic ? SendAsync(network, new IPEndPoint(network.HostAddress, settings.Port), settings.TrafficInterval, stoppingToken) : Task.CompletedTask;
            try
            {
                using var runFor = settings.RunFor is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
                using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, runFor.Token);
                try
                {
                    Task view = settings.PrintDrops && LiveConsole.IsLive
                        ? LiveConsole.RunAsync(() => BlocklistView.Render(status, network), TimeSpan.FromMilliseconds(250), time, running.Token)
                        : Task.Delay(Timeout.InfiniteTimeSpan, time, running.Token);
                    await view.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (runFor.IsCancellationRequested)
                {
                    // RunFor has passed.
                }

                if (runFor.IsCancellationRequested)
                {
                    lifetime.StopApplication();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the finally block below detaches and removes everything.
            }

            receiver.Dispose();
            await Task.WhenAll(receiving, sending).ConfigureAwait(false);
        }
        finally
        {
            follow?.Dispose();
            receiver?.Dispose();
            link?.Dispose();
            network?.Dispose();
        }
    }

    /// <summary>One drop-counter change as a console line.</summary>
    internal static string Format(MapChange<uint, ulong> change)
    {
        string source = new IPAddress(change.Key).ToString();
        return change.Kind switch
        {
            MapChangeKind.Added => string.Create(CultureInfo.InvariantCulture, $"drops {source,-15} {change.Value,10}"),
            MapChangeKind.Updated => string.Create(CultureInfo.InvariantCulture, $"drops {source,-15} {change.Value,10}  (+{change.Value - change.PreviousValue})"),
            _ => $"drops {source,-15}    removed",
        };
    }

    private async Task ReceiveAsync(UdpClient receiver, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                UdpReceiveResult datagram = await receiver.ReceiveAsync(stoppingToken).ConfigureAwait(false);
                status.RecordReceived(datagram.RemoteEndPoint.Address);
                LogReceived(logger, datagram.RemoteEndPoint.Address.ToString());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && stoppingToken.IsCancellationRequested))
        {
            // The socket is closed as the worker stops.
        }
    }

    private async Task SendAsync(VethNamespace network, IPEndPoint destination, TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await network.SendDatagramsAsync(destination, 1, stoppingToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    LogSendFailed(logger, e.Message);
                }

                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Namespace {Namespace}: {HostInterface} ({HostAddress}) here, {PeerInterface} ({PeerAddress}) inside; XDP on {HostInterface}.")]
    private static partial void LogNetwork(ILogger logger, string @namespace, string hostInterface, string hostAddress, string peerInterface, string peerAddress);

    [LoggerMessage(2, LogLevel.Information, "Block {Prefix}: {Outcome}.")]
    private static partial void LogBlock(ILogger logger, string prefix, string outcome);

    [LoggerMessage(3, LogLevel.Information, "Unblock {Prefix}: {Outcome}.")]
    private static partial void LogUnblock(ILogger logger, string prefix, string outcome);

    [LoggerMessage(4, LogLevel.Information, "Datagram from {Source} got through.")]
    private static partial void LogReceived(ILogger logger, string source);

    [LoggerMessage(5, LogLevel.Warning, "Sending traffic failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string reason);
}
