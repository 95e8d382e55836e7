/* A program a host attaches from configuration: it counts the system calls of the watched process (watched[0], written
 * after each load) per pid into a hash and into a per-CPU array; events is a ring buffer, which no map channel can watch. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} watched SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("raw_tp/sys_enter")
int count_enter(void *ctx)
{
	__u32 zero = 0;
	__u32 *pid = bpf_map_lookup_elem(&watched, &zero);
	__u32 current = bpf_get_current_pid_tgid() >> 32;
	if (!pid || *pid != current)
		return 0;

	__u64 one = 1;
	__u64 *count = bpf_map_lookup_elem(&counts, &current);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counts, &current, &one, BPF_NOEXIST);

	__u64 *mine = bpf_map_lookup_elem(&per_cpu, &zero);
	if (mine)
		*mine += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
