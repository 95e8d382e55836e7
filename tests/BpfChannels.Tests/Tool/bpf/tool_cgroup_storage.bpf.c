/* Cgroup storage, shared and per-CPU, with BTF: an entry per attached cgroup, counting the packets it sends. */
#include "bpfchannels.h"

/* Not among the helpers bpfchannels.h declares. */
static void *(*bpf_get_local_storage)(void *map, __u64 flags) = (void *)BPF_FUNC_get_local_storage;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, __u64);
} shared_sent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, __u64);
} percpu_sent SEC(".maps");

SEC("cgroup_skb/egress")
int count_sent(struct __sk_buff *skb)
{
	__u64 *shared = bpf_get_local_storage(&shared_sent, 0);
	__u64 *mine = bpf_get_local_storage(&percpu_sent, 0);

	__sync_fetch_and_add(shared, 1);
	*mine += 1;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
