// Drains a user ring buffer of (key, value) messages written from user space and adds each value into
// an array slot, so tests read the effect of every drained message back from a map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} commands SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct message {
	__u32 slot;
	__u32 pad;
	__u64 value;
};

static long apply(struct bpf_dynptr *dynptr, void *ctx)
{
	struct message m;
	if (bpf_dynptr_read(&m, sizeof(m), dynptr, 0, 0))
		return 1; /* stop: malformed */
	__u32 slot = m.slot;
	__u64 *total = bpf_map_lookup_elem(&totals, &slot);
	if (total)
		__sync_fetch_and_add(total, m.value);
	return 0;
}

struct drain_args {
	__s64 drained; /* out: messages drained, or -errno */
};

SEC("syscall")
int drain_commands(struct drain_args *args)
{
	args->drained = bpf_user_ringbuf_drain(&commands, apply, (void *)0, 0);
	return 0;
}
