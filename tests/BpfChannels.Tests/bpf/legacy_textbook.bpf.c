/* A textbook legacy object, as the classic samples were written for bpf_load.c: struct bpf_map_def SEC("maps")
 * and one program per section, each attached by its section name (or by a target the section leaves open). */
#include "bpfchannels.h"

/* Event counts: [0] execve tracepoint, [1] raw sys_enter of the test process, [2] socket filter packets,
 * [3] XDP packets, [4] kprobe hits, [5] perf_event samples. */
struct bpf_map_def SEC("maps") events = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 8,
};

/* Samples per CPU of the perf_event program. */
struct bpf_map_def SEC("maps") samples_per_cpu = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

/* [0] the process whose system calls the raw tracepoint counts. */
struct bpf_map_def SEC("maps") watched = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 1,
};

static __always_inline void count(__u32 key)
{
	__u64 *value = bpf_map_lookup_elem(&events, &key);
	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(void *ctx)
{
	count(0);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int trace_sys_enter(void *ctx)
{
	__u32 zero = 0;
	__u32 *pid = bpf_map_lookup_elem(&watched, &zero);
	if (pid && *pid == (__u32)(bpf_get_current_pid_tgid() >> 32))
		count(1);
	return 0;
}

SEC("socket")
int socket_count(void *skb)
{
	count(2);
	return -1;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	count(3);
	return XDP_PASS;
}

SEC("kprobe/do_sys_openat2")
int kprobe_openat(void *ctx)
{
	count(4);
	return 0;
}

SEC("perf_event")
int perf_sample(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 *value = bpf_map_lookup_elem(&samples_per_cpu, &cpu);
	if (value) {
		__sync_fetch_and_add(value, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&samples_per_cpu, &cpu, &one, BPF_NOEXIST);
	}
	count(5);
	return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0xFFFFFFFE;
