/* A map element iterator writing each element of the map it is attached to as a binary record. Its own object,
 * because some kernels refuse map element iterators (EPERM) while loading task iterators: a refused program must not
 * keep the task iterator's object from loading. The kernel types are declared with only the fields read, relocated
 * against vmlinux BTF by libbpf. */
#include "bpf_iter.h"

struct bpf_iter__bpf_map_elem {
	struct bpf_iter_meta *meta;
	void *map;
	void *key;
	void *value;
} __ctx_type;

/* The map the test walks: u32 keys, u64 values. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} walked SEC(".maps");

struct element {
	__u32 key;
	__u32 pad;
	__u64 value;
};

/* One 16-byte record per element: key, padding, value. */
SEC("iter/bpf_map_elem")
int dump_elements(struct bpf_iter__bpf_map_elem *ctx)
{
	__u32 *key = ctx->key;
	__u64 *value = ctx->value;
	if (!key || !value)
		return 0;
	struct element e = { .key = *key, .value = *value };
	bpf_seq_write(ctx->meta->seq, &e, sizeof(e));
	return 0;
}

char _license[] SEC("license") = "GPL";
