/* Counts system calls per process, with the process's name, so user space can name a process that has already
 * exited. User space lists processes to leave out in the `ignored` map. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "bpfchannels.h"

#define TASK_COMM_LEN 16

/* The two task_struct fields this program reads, for CO-RE: libbpf finds them by name in the kernel's BTF at load
 * (the ___local suffix is ignored in the match), so no vmlinux.h is needed for them. */
struct task_struct___local {
	struct task_struct___local *group_leader;
	char comm[TASK_COMM_LEN];
} __attribute__((preserve_access_index));

struct process_syscalls {
	__u64 count;              /* system calls made */
	char comm[TASK_COMM_LEN]; /* the process's name: its main thread's, as ps shows it */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* process id (tgid) */
	__type(value, struct process_syscalls);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* process id (tgid) */
	__type(value, __u8);  /* present: do not count */
} ignored SEC(".maps");

SEC("raw_tp/sys_enter")
int count_syscalls(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	if (bpf_map_lookup_elem(&ignored, &tgid))
		return 0;

	struct process_syscalls *value = bpf_map_lookup_elem(&counts, &tgid);
	if (!value) {
		/* The process's name is its main thread's, whichever thread made this first call. */
		struct process_syscalls first = {};
		struct task_struct___local *task = (void *)bpf_get_current_task();
		BPF_CORE_READ_STR_INTO(&first.comm, task, group_leader, comm);
		/* Another thread of the process may insert first: then count on its entry. */
		bpf_map_update_elem(&counts, &tgid, &first, BPF_NOEXIST);
		value = bpf_map_lookup_elem(&counts, &tgid);
		if (!value)
			return 0; /* the map is full */
	}
	__sync_fetch_and_add(&value->count, 1);
	/* The main thread names the process; after an exec it has the new name (and is the main thread). */
	if ((__u32)id == tgid)
		bpf_get_current_comm(value->comm, sizeof(value->comm));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
