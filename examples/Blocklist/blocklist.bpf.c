/* Drops IPv4 packets whose source address is in the `blocklist` LPM trie and counts the drops per source address.
 * Both maps are pinned by name, so the list and the counters outlive the process that loaded them. */
#include "bpfchannels.h"
#include <linux/if_ether.h>
#include <linux/ip.h>

struct ipv4_prefix {
	__u32 prefixlen; /* bits of addr that match, 0..32 */
	__u32 addr;      /* network order */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct ipv4_prefix);
	__type(value, __u8); /* present: drop */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);   /* source address, network order */
	__type(value, __u64); /* packets dropped */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} drops SEC(".maps");

SEC("xdp")
int blocklist_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;

	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;

	struct ipv4_prefix key = { .prefixlen = 32, .addr = ip->saddr };
	if (!bpf_map_lookup_elem(&blocklist, &key))
		return XDP_PASS;

	__u32 source = ip->saddr;
	__u64 *count = bpf_map_lookup_elem(&drops, &source);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else {
		__u64 one = 1;
		/* Another CPU may insert first: then add to its entry. */
		if (bpf_map_update_elem(&drops, &source, &one, BPF_NOEXIST)) {
			count = bpf_map_lookup_elem(&drops, &source);
			if (count)
				__sync_fetch_and_add(count, 1);
		}
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
