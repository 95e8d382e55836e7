/* Programs a host attaches from configuration: one whose section says where (raw_tp/sys_enter), one that needs a
 * target (perf_event). counts[0]: system calls of the watched process; counts[1]: perf samples. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} watched SEC(".maps");

static __always_inline void count(__u32 key)
{
	__u64 *value = bpf_map_lookup_elem(&counts, &key);
	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("raw_tp/sys_enter")
int count_enter(void *ctx)
{
	__u32 zero = 0;
	__u32 *pid = bpf_map_lookup_elem(&watched, &zero);
	if (pid && *pid == (__u32)(bpf_get_current_pid_tgid() >> 32))
		count(0);
	return 0;
}

SEC("perf_event")
int sample(void *ctx)
{
	count(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
