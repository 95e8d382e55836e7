/* Global variables in .rodata, .data and .bss, and a pinned-by-name map next to an unpinned one. */
#include "bpfchannels.h"

const volatile __u32 scale = 1;
__u32 bias = 100;
__u64 total;
__u32 calls;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u64);
} persistent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} transient SEC(".maps");

struct accumulate_args {
	__u32 input;
};

/* total += input * scale + bias; counts calls; bumps persistent[1]. */
SEC("syscall")
int accumulate(struct accumulate_args *args)
{
	total += (__u64)args->input * scale + bias;
	calls++;
	__u32 key = 1;
	__u64 *value = bpf_map_lookup_elem(&persistent, &key);
	if (value) {
		__sync_fetch_and_add(value, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&persistent, &key, &one, BPF_NOEXIST);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
