/* A program the verifier must reject: it reads a map value without checking the lookup for NULL
 * (a hash map: the verifier knows constant-key array lookups are never NULL). */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

SEC("syscall")
int unchecked(void *ctx)
{
	__u32 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&values, &zero);
	return *value;
}

char LICENSE[] SEC("license") = "GPL";
