// The BPF maps chapter's examples, in BpfChannels: create a hash map (from the full attribute set and in
// one line), then update it with BPF_ANY, BPF_NOEXIST and BPF_EXIST and report each outcome as the C code
// does with strerror(errno).
using BpfChannels;

if (!BpfSystem.CanUseBpf(out string? reason))
{
    Console.Error.WriteLine($"SeedMaps cannot run: {reason}.");
    return 1;
}

// union bpf_attr my_map = { .map_type = BPF_MAP_TYPE_HASH, .key_size = sizeof(int), .value_size = sizeof(int),
//                           .max_entries = 100, .map_flags = BPF_F_NO_PREALLOC };
// int fd = bpf(BPF_MAP_CREATE, &my_map, sizeof(my_map));
var spec = new BpfMapSpec { Type = BpfMapType.Hash, KeySize = sizeof(int), ValueSize = sizeof(int), MaxEntries = 100, Flags = BpfMapFlags.NoPrealloc, Name = "my_map" };
using BpfMap fromAttributes = BpfMap.Create(spec);
Console.WriteLine($"Created {fromAttributes} (id {fromAttributes.Id}, fd {fromAttributes.Handle.FileDescriptor})");

// fd = bpf_create_map(BPF_MAP_TYPE_HASH, sizeof(int), sizeof(int), 100, BPF_F_NO_PREALLOC);
using BpfMap<int, int> myMap = BpfMap.CreateHash<int, int>(100, BpfMapFlags.NoPrealloc);

// key = 1, value = 1234; result = bpf_map_update_elem(&my_map, &key, &value, BPF_ANY);
Report("BPF_ANY     key 1 = 1234", myMap.UpdateWithResult(1, 1234, BpfMapUpdateFlags.Any));
Report("BPF_NOEXIST key 1 = 5678", myMap.UpdateWithResult(1, 5678, BpfMapUpdateFlags.NoExist));
Report("BPF_EXIST   key 2 = 5678", myMap.UpdateWithResult(2, 5678, BpfMapUpdateFlags.Exist));
Report("BPF_EXIST   key 1 = 5678", myMap.UpdateWithResult(1, 5678, BpfMapUpdateFlags.Exist));
Console.WriteLine($"key 1 now holds {myMap[1]}");

// Errors as exceptions: the same failure, with the command, the map, the errno and what to do.
try
{
    myMap.Update(1, 1, BpfMapUpdateFlags.NoExist);
}
catch (BpfException e)
{
    Console.WriteLine($"Update threw: {e.Message}");
}

// An invalid attribute: arrays are always preallocated, so the kernel refuses BPF_F_NO_PREALLOC with EINVAL.
try
{
    using BpfMap invalid = BpfMap.Create(spec with { Type = BpfMapType.Array, Name = "bad_array" });
}
catch (BpfException e)
{
    Console.WriteLine($"Create threw: {e.Message}");
}

return 0;

static void Report(string what, BpfError result) => Console.WriteLine(result == BpfError.None
    ? $"{what}: Map updated with new element"
    : $"{what}: Failed to update map with new value: {-(int)result} ({result.ToErrnoName()})");
