// Blocklist: an XDP program on a veth pair drops IPv4 packets from blocked addresses. .NET adds addresses with NoExist
// updates, streams the per-address drop counters as changes, and the pinned maps keep the list across restarts.
using Blocklist;
using BpfChannels;
using BpfChannels.ExampleConsole;
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

HostApplicationBuilder builder = BlocklistApp.CreateBuilder(args);
LiveConsole.UseLiveLogging(builder.Logging); // on a terminal, log lines go above the live view instead of under its redraws
using IHost host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
return 0;
