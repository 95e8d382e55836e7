// ExecWatch: a ring-buffer pipeline. Every exec() on the machine becomes a record in a BPF ring buffer, read by an
// epoll loop into a channel, enriched from /proc in a second stage, and printed by a third.
using BpfChannels;
using BpfChannels.ExampleConsole;
using ExecWatch;
using Microsoft.Extensions.Hosting;

if (!BpfSystem.CanUseBpf(out string? reason))
{
    Console.Error.WriteLine($"ExecWatch cannot run: {reason}.");
    return 1;
}

HostApplicationBuilder builder = ExecWatchApp.CreateBuilder(args);
LiveConsole.UseLiveLogging(builder.Logging); // on a terminal, log lines go above the live table instead of under its redraws
using IHost host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
return 0;
