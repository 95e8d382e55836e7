// Blocklist: an XDP program on a veth pair drops IPv4 packets from blocked addresses. .NET adds addresses with NoExist
// updates, streams the per-address drop counters as changes, and the pinned maps keep the list across restarts.
using Blocklist;
using BpfChannels;
using Microsoft.Extensions.Hosting;

if (!BpfSystem.CanUseBpf(out string? reason))
{
    Console.Error.WriteLine($"Blocklist cannot run: {reason}.");
    return 1;
}

if (!VethNamespace.CanCreate(out reason))
{
    Console.Error.WriteLine($"Blocklist cannot run: {reason}.");
    return 1;
}

using IHost host = BlocklistApp.CreateBuilder(args).Build();
await host.RunAsync().ConfigureAwait(false);
return 0;
