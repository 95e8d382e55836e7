/* A kprobe whose function is given at attach time, and multi-kprobes on a function pattern given at attach time or
 * by the section, each kind counting its hits in its own slot of one array. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

static __always_inline void hit(__u32 slot)
{
	__u64 *value = bpf_map_lookup_elem(&hits, &slot);
	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("kprobe")
int on_function(void *ctx)
{
	hit(0);
	return 0;
}

SEC("kprobe.multi")
int on_functions(void *ctx)
{
	hit(1);
	return 0;
}

SEC("kprobe.multi/do_sys_openat*")
int on_open_functions(void *ctx)
{
	hit(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
