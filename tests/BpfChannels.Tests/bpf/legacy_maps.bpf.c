/* A legacy object written like the classic examples: struct bpf_map_def SEC("maps") definitions, which libbpf 1.x
 * refuses; BpfChannels' own loader creates the maps and patches the map references. */
#include "bpfchannels.h"

struct bpf_map_def SEC("maps") my_map = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(int),
	.value_size = sizeof(int),
	.max_entries = 100,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct bpf_map_def SEC("maps") counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def SEC("maps") syscalls = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4096,
};

/* Stores 1234 under key 1 in my_map only if the key is new (BPF_NOEXIST), and counts runs in counters[0]. */
SEC("syscall")
int update_map(void *ctx)
{
	int key = 1, value = 1234;
	long result = bpf_map_update_elem(&my_map, &key, &value, BPF_NOEXIST);
	__u32 zero = 0;
	__u64 *runs = bpf_map_lookup_elem(&counters, &zero);
	if (runs)
		__sync_fetch_and_add(runs, 1);
	return result == 0 ? 0 : 1;
}

SEC("raw_tracepoint/sys_enter")
int count_syscalls(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 *count = bpf_map_lookup_elem(&syscalls, &tgid);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&syscalls, &tgid, &one, BPF_NOEXIST);
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
