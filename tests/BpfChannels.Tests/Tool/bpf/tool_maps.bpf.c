/* Maps whose BTF exercises what bpftool's formatter prints: structs, char arrays, enums, bitfields, bools, per-CPU. */
#include "bpfchannels.h"

enum state { IDLE = 0, RUNNING = 2, STOPPED = 7 };

struct flow {
	char comm[16];
	__u64 bytes;
	enum state state;
	__u16 ports[2];
	unsigned int low : 3;
	unsigned int high : 5;
	_Bool seen;
	signed char delta;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct flow);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __s32);
	__type(value, __u64);
} percpu_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct flow);
} percpu_flows SEC(".maps");

struct event {
	__u32 pid;
	char comm[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* The context names struct event, so the object's BTF describes it (for bpfchan events --type event). */
SEC("syscall")
int emit(struct event *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 1;
	e->pid = 42;
	__builtin_memcpy(e->comm, "bpfchan", 8);
	bpf_ringbuf_submit(e, 0);
	return 0;
}



/* A program to attach (a raw tracepoint link for bpfchan link show), and one whose name the kernel cuts at 15. */
SEC("raw_tracepoint/sys_enter")
int tool_raw(void *ctx)
{
	return 0;
}

SEC("syscall")
int tool_program_with_a_long_name(void *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&flows, &key) != 0;
}
char LICENSE[] SEC("license") = "GPL";
