/* An XDP program, a socket filter and a tc classifier that count what they see; the socket filter drops everything. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} packet_counts SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *count = bpf_map_lookup_elem(&packet_counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	bump(0);
	return XDP_PASS;
}

SEC("socket")
int socket_drop(struct __sk_buff *skb)
{
	bump(1);
	return 0;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	bump(2);
	return 0; /* TC_ACT_OK */
}

char LICENSE[] SEC("license") = "GPL";
