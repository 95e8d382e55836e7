/* Counts calls of a user-space function per process, on entry and on return. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *count = bpf_map_lookup_elem(&calls, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
}

SEC("uprobe")
int on_call(void *ctx)
{
	bump(0);
	return 0;
}

SEC("uretprobe")
int on_return(void *ctx)
{
	bump(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
