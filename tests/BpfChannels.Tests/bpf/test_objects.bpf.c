/* Maps in a known order, a SEC("syscall") program that acts on a configuration value, and an XDP program. */
#include "bpfchannels.h"

struct config {
	__u32 multiplier;
	__u32 enabled;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

struct compute_args {
	__u32 key;
	__u32 input;
	__u64 output;
};

/* Reads the configuration user space wrote, stores input * multiplier under key and returns it in the context. */
SEC("syscall")
int compute(struct compute_args *args)
{
	__u32 zero = 0;
	struct config *cfg = bpf_map_lookup_elem(&config_map, &zero);
	if (!cfg || !cfg->enabled)
		return 1;
	__u32 key = args->key;
	__u64 value = (__u64)args->input * cfg->multiplier;
	bpf_map_update_elem(&results, &key, &value, BPF_ANY);
	args->output = value;
	return 0;
}

/* Counts packets by their first byte modulo 4, rewrites that byte to 0xAB and passes the packet. */
SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	unsigned char *end = (unsigned char *)(long)ctx->data_end;
	if (data + 1 > end)
		return XDP_DROP;
	__u32 key = data[0] & 3;
	__u64 *count = bpf_map_lookup_elem(&xdp_stats, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	data[0] = 0xAB;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
