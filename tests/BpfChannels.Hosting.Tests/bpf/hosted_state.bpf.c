/* A program the hosted tests drive with BPF_PROG_TEST_RUN: it writes ctx->value at ctx->key in `state`. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} state SEC(".maps");

struct set_args {
	__u32 key;
	__u32 pad;
	__u64 value;
};

SEC("syscall")
int set_state(struct set_args *args)
{
	__u32 key = args->key;
	__u64 value = args->value;
	return bpf_map_update_elem(&state, &key, &value, BPF_ANY);
}



struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} notes SEC(".maps");

/* Sends ctx->value as one 8-byte record. */
SEC("syscall")
int emit_note(struct set_args *args)
{
	__u64 value = args->value;
	return bpf_ringbuf_output(&notes, &value, sizeof(value), 0);
}
char LICENSE[] SEC("license") = "GPL";
