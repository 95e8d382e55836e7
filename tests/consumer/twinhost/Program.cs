using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The hosting layer over the in-memory twin: runs on any OS, no root, no CA1416.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddBpfChannels(options => options.DefaultPollInterval = TimeSpan.FromMilliseconds(20))
    .AddMapChannel<uint, byte>("ignored", _ => BpfMapFactory.InMemory.CreateHash<uint, byte>(16));
using IHost host = builder.Build();
await host.StartAsync();

MapChannel<uint, byte> channel = host.Services.GetRequiredService<BpfChannelRegistry>().GetChannel<uint, byte>("ignored");
var added = new TaskCompletionSource<MapChange<uint, byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
using IDisposable subscription = channel.Observe().Subscribe(change => added.TrySetResult(change));

MapWriteOutcome<uint, byte> first = await channel.WriteAsync(MapWrite.Update(1234u, (byte)1, BpfMapUpdateFlags.NoExist));
MapWriteOutcome<uint, byte> second = await channel.WriteAsync(MapWrite.Update(1234u, (byte)2, BpfMapUpdateFlags.NoExist));
MapChange<uint, byte> change = await added.Task.WaitAsync(TimeSpan.FromSeconds(10));
await host.StopAsync();

if (!first.Succeeded || second.Error != BpfError.AlreadyExists || change is not { Kind: MapChangeKind.Added, Key: 1234u, Value: 1 })
{
    Console.Error.WriteLine($"consumer twinhost: unexpected first={first.Error} second={second.Error} change={change}");
    return 1;
}

Console.WriteLine($"consumer twinhost: NoExist write -> ok, again -> {second.Error.ToErrnoName()}, the hosted channel saw {change}");
return 0;
