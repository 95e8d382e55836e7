// OpenSnoop: every openat() on the machine, as opensnoop shows it, from a BPF program written the libbpf way
// (vmlinux.h, libbpf's headers, CO-RE). The host attaches the programs listed in appsettings.json at start and
// detaches them at stop; this file only watches: the open records through the hosted ring buffer, the per-process
// totals through the hosted map channel.
using BpfChannels;
using BpfChannels.ExampleConsole;
using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenSnoop;
using OpenEvent = OpenSnoop.OpenSnoopBpf.OpenEvent;
using ProcessOpens = OpenSnoop.OpenSnoopBpf.ProcessOpens;

if (!BpfSystem.CanUseBpf(out string? reason))
{
    Console.Error.WriteLine($"OpenSnoop cannot run: {reason}.");
    return 1;
}

HostApplicationBuilder builder = OpenSnoopApp.CreateBuilder(args);
LiveConsole.UseLiveLogging(builder.Logging);
using IHost host = builder.Build();
await host.StartAsync().ConfigureAwait(false);

var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
OpenSnoopOptions settings = host.Services.GetRequiredService<IOptions<OpenSnoopOptions>>().Value;
using var stopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
if (settings.RunFor is { } runFor)
{
    stopping.CancelAfter(runFor);
}

IObservable<OpenEvent> events = host.Services.GetRequiredService<BpfRingBufferHost>().Observe<OpenEvent>(OpenSnoopBpf.MapName.Events);
var opens = host.Services.GetRequiredKeyedService<MapChannel<uint, ProcessOpens>>(OpenSnoopBpf.MapName.Opens);
await host.Services.GetRequiredService<OpenSnoopView>().RunAsync(events, opens.Observe(), TimeProvider.System, stopping.Token).ConfigureAwait(false);

await host.StopAsync().ConfigureAwait(false);
return 0;
