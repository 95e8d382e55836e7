using BpfChannels;

// The README's maps example against the in-memory twin: runs on any OS, no root, no CA1416.
using BpfMap<int, int> map = BpfMapFactory.InMemory.CreateHash<int, int>(100, BpfMapFlags.NoPrealloc);
map.Update(1, 1234, BpfMapUpdateFlags.Any);
bool created = map.TryUpdate(1, 5678, BpfMapUpdateFlags.NoExist);
BpfError outcome = map.UpdateWithResult(2, 1, BpfMapUpdateFlags.Exist);

// A map channel over the twin: list, then watch (each Poll reads the map and reports the differences).
await using var channel = new MapChannel<int, int>(map);
var changes = new List<MapChange<int, int>>();
using IDisposable subscription = channel.Observe().Subscribe(change => { lock (changes) { changes.Add(change); } });
channel.Poll();
map.Update(1, 99, BpfMapUpdateFlags.Exist);
channel.Poll();
DateTime deadline = DateTime.UtcNow.AddSeconds(10);
while (DateTime.UtcNow < deadline)
{
    lock (changes)
    {
        if (changes.Count >= 2)
        {
            break;
        }
    }

    await Task.Delay(10);
}

MapChange<int, int>[] seen;
lock (changes)
{
    seen = [.. changes];
}

MapChange<int, int> first = seen.Length > 0 ? seen[0] : default;
MapChange<int, int> second = seen.Length > 1 ? seen[1] : default;
if (created || outcome != BpfError.NotFound
    || first is not { Kind: MapChangeKind.Added, Key: 1, Value: 1234 }
    || second is not { Kind: MapChangeKind.Updated, Key: 1, Value: 99, PreviousValue: 1234 })
{
    Console.Error.WriteLine($"consumer twin: unexpected created={created} outcome={outcome} changes={string.Join(", ", seen)}");
    return 1;
}

if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "hello.bpf.o")))
{
    Console.Error.WriteLine("consumer twin: hello.bpf.o is not in the output directory");
    return 1;
}

Console.WriteLine($"consumer twin: NoExist on an existing key -> {created}, Exist on a missing key -> {outcome}, channel: {first}, then {second}");
return 0;
