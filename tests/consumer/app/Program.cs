using System.Globalization;
using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Kernel API: CA1416 asks for a Linux guard (or [assembly: SupportedOSPlatform("linux")] in a Linux-only app).
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("consumer app: BPF needs Linux");
    return 2;
}

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddBpfChannels(options => options.DefaultPollInterval = TimeSpan.FromMilliseconds(50))
    .AddEmbeddedObject("parents", typeof(Program).Assembly, "parents.bpf.o")
    .AddMapChannel<uint, uint>("parents");
using IHost host = builder.Build();
await host.StartAsync();

BpfObjectHost objects = host.Services.GetRequiredService<BpfObjectHost>();
MapChannel<uint, uint> channel = host.Services.GetRequiredService<BpfChannelRegistry>().GetChannel<uint, uint>("parents");
uint self = (uint)Environment.ProcessId;
var seen = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
using IDisposable subscription = channel.Observe().Subscribe(change =>
{
    if (change.Key == self && change.Kind != MapChangeKind.Removed)
    {
        seen.TrySetResult(change.Value);
    }
});

uint parent;
using (BpfLink link = objects.GetObject("parents").GetProgram("record_parent").AttachRawTracepoint("sys_enter"))
{
    string stat = File.ReadAllText("/proc/self/stat"); // a system call of this process, at least
    string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    uint expected = uint.Parse(fields[1], CultureInfo.InvariantCulture);
    parent = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
    if (parent != expected)
    {
        Console.Error.WriteLine($"consumer app: the program read parent {parent} for pid {self}, the kernel says {expected}");
        return 1;
    }
}

await host.StopAsync();
Console.WriteLine($"consumer app: CO-RE read parent pid {parent} of pid {self}, delivered by the map channel");
return 0;
