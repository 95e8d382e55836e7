/* The libbpf way: the kernel's types from a generated vmlinux.h, libbpf's helper headers, and CO-RE reads
 * that libbpf relocates to this kernel's task_struct layout at load. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpfchannels.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);   /* tgid */
	__type(value, __u32); /* its parent's tgid */
} parents SEC(".maps");

SEC("raw_tp/sys_enter")
int BPF_PROG(record_parent, struct pt_regs *regs, long id)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = BPF_CORE_READ(task, tgid);
	__u32 parent = BPF_CORE_READ(task, real_parent, tgid);
	bpf_map_update_elem(&parents, &tgid, &parent, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
