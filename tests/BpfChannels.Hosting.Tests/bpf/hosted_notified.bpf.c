/* A program that writes `counts` through the change-notice wrappers, for hosted notified channels. */
#include "bpfchannels.h"

#ifdef HOSTED_PINNED
/* What BPFCHAN_CHANGES declares, pinned by name (the macro itself does not pin), so a reload reuses the ring. */
#define HOSTED_PINNING __uint(pinning, LIBBPF_PIN_BY_NAME);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
	HOSTED_PINNING
} bpfchan_changes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	HOSTED_PINNING
} bpfchan_lost SEC(".maps");
#else
#define HOSTED_PINNING

BPFCHAN_CHANGES(64 * 1024);
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
	HOSTED_PINNING
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
