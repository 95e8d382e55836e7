/* A program that writes `counts` through the change-notice wrappers, for hosted notified channels. */
#include "bpfchannels.h"

BPFCHAN_CHANGES(64 * 1024);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct set_args {
	__u32 key;
	__u32 pad;
	__u64 value;
};

/* counts[key] = value, with a change notice. */
SEC("syscall")
int set_count(struct set_args *args)
{
	__u32 key = args->key;
	__u64 value = args->value;
	return bpfchan_update(counts, &key, &value, BPF_ANY);
}

char LICENSE[] SEC("license") = "GPL";
