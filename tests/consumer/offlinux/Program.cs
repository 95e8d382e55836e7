using BpfChannels;

// A kernel map with no OperatingSystem.IsLinux() guard: the build must report CA1416 here.
using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(100);
map.Update(1, 1, BpfMapUpdateFlags.Any);
