/* Counts syscalls per process (tgid) three ways: raw tracepoint, BTF tracepoint and perf tracepoint, one map each. */
#include "bpfchannels.h"

#define COUNTS(name) \
	struct { \
		__uint(type, BPF_MAP_TYPE_HASH); \
		__uint(max_entries, 4096); \
		__type(key, __u32); \
		__type(value, __u64); \
	} name SEC(".maps")

COUNTS(raw_counts);
COUNTS(btf_counts);
COUNTS(tp_counts);

static __always_inline void count(void *map)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 *value = bpf_map_lookup_elem(map, &tgid);
	if (value) {
		__sync_fetch_and_add(value, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(map, &tgid, &one, BPF_NOEXIST);
	}
}

SEC("raw_tp/sys_enter")
int count_raw(void *ctx)
{
	count(&raw_counts);
	return 0;
}

SEC("tp_btf/sys_enter")
int count_btf(unsigned long long *ctx)
{
	count(&btf_counts);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int count_tp(void *ctx)
{
	count(&tp_counts);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
