// SyscallCounter: a BPF program counts system calls per process; a reactive subscription keeps a live top-N
// table; a configuration map written with NoExist updates tells the program which processes to ignore.
using BpfChannels;
using Microsoft.Extensions.Hosting;
using SyscallCounter;

if (!BpfSystem.CanUseBpf(out string? reason))
{
    Console.Error.WriteLine($"SyscallCounter cannot run: {reason}.");
    return 1;
}

using IHost host = SyscallCounterApp.CreateBuilder(args).Build();
await host.RunAsync().ConfigureAwait(false);
return 0;
