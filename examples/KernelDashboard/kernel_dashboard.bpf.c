/* Counts, machine-wide, the system calls that user space asked to watch. User space adds a system call number
 * to `watched` (value 0) to start counting it and deletes the key to stop; the program only increments entries
 * that exist, so the map holds exactly the watch list and each entry's count. */
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, __u32);   /* system call number */
	__type(value, __u64); /* calls since it was added */
} watched SEC(".maps");

SEC("raw_tp/sys_enter")
int count_watched(struct bpf_raw_tracepoint_args *ctx)
{
	/* sys_enter(struct pt_regs *regs, long id) */
	__u32 nr = (__u32)ctx->args[1];
	__u64 *count = bpf_map_lookup_elem(&watched, &nr);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
