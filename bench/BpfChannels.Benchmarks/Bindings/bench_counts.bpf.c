/* The W1/W2 map (u32 -> u64 hash, 100,000 entries) as a BPF object, so the same kernel map is reached through the
 * generated bindings (BenchCountsBpf.Maps.Counts) and through the hand-written typed API (GetMap<uint, ulong>). */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 100000);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("syscall")
int touch(void *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&counts, &key);
	if (value)
		*value += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
