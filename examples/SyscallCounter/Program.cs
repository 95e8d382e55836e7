// SyscallCounter: a BPF program counts system calls per process; a reactive subscription keeps a live top-N
// table; a configuration map written with NoExist updates tells the program which processes to ignore.
using BpfChannels;
using BpfChannels.ExampleConsole;
using Microsoft.Extensions.Hosting;
using SyscallCounter;

if (!BpfSystem.CanUseBpf(out string? reason))
{
    Console.Error.WriteLine($"SyscallCounter cannot run: {reason}.");
    return 1;
}

HostApplicationBuilder builder = SyscallCounterApp.CreateBuilder(args);
LiveConsole.UseLiveLogging(builder.Logging); // on a terminal, log lines go above the live table instead of under its redraws
using IHost host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
return 0;
