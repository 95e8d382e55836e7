using System.Globalization;
using BpfChannels;
using BpfChannels.Hosting;
using Consumer.App;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A Linux application: the kernel API it calls is [SupportedOSPlatform("linux")], and CA1416 holds it to that.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// ParentsBpf is generated from parents.bpf.c's BTF by the bindings generator the package brings.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddBpfChannels(options => options.DefaultPollInterval = TimeSpan.FromMilliseconds(50))
    .AddParentsBpf(bpf => bpf
        .WithChannel(maps => maps.Parents)
        .Attach(programs => programs.RecordParent, program => program.AttachRawTracepoint("sys_enter")));
using IHost host = builder.Build();

uint self = (uint)Environment.ProcessId;
var seen = new TaskCompletionSource<uint>(TaskCreationOptions.RunContinuationsAsynchronously);
MapChannel<uint, uint> channel = host.Services.GetRequiredKeyedService<MapChannel<uint, uint>>("parents");
using IDisposable subscription = channel.Observe().Subscribe(change =>
{
    if (change.Key == self && change.Kind != MapChangeKind.Removed)
    {
        seen.TrySetResult(change.Value);
    }
});

await host.StartAsync();
string stat = File.ReadAllText("/proc/self/stat"); // a system call of this process, at least
string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
uint expected = uint.Parse(fields[1], CultureInfo.InvariantCulture);
uint parent = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
ParentsBpf bpf = host.Services.GetRequiredService<ParentsBpf>();
bool direct = bpf.Maps.Parents.TryLookup(self, out uint fromMap);
await host.StopAsync();

if (parent != expected || !direct || fromMap != expected)
{
    Console.Error.WriteLine($"consumer app: the program read parent {parent} (map: {fromMap}) for pid {self}, the kernel says {expected}");
    return 1;
}

Console.WriteLine($"consumer app: CO-RE read parent pid {parent} of pid {self}, delivered by the generated bindings' map channel");
return 0;
