/* Counts the packets that processes of a cgroup send, and lets them all pass. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} egress_packets SEC(".maps");

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&egress_packets, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 1; /* allow */
}

char LICENSE[] SEC("license") = "GPL";
