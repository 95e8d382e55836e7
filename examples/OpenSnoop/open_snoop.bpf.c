/* opensnoop, written the libbpf way: the kernel's types come from a vmlinux.h generated from this kernel's BTF
 * (Vmlinux="true"), the helpers from libbpf's own headers, and the parent's process id is a CO-RE read that libbpf
 * relocates to this kernel's task_struct layout at load.
 *
 * On entry to openat() the program remembers the file name pointer and the flags per thread; on exit it sends one
 * record with the result (a descriptor or -errno) through the `events` ring buffer and adds the call to the
 * per-process totals in `opens`, together with the command name, so user space can name a process that has
 * already exited. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16
#define FILENAME_LEN 256

struct open_start {
	__u64 filename; /* user-space pointer, read on exit */
	__s32 flags;
};

struct open_event {
	__u64 time_ns;
	__u32 pid;  /* tgid */
	__u32 ppid; /* the parent's tgid, a CO-RE read of task->real_parent->tgid */
	__u32 uid;
	__s32 ret;  /* the new descriptor, or -errno */
	__s32 flags;
	char comm[TASK_COMM_LEN]; /* the calling thread's */
	char filename[FILENAME_LEN];
};

struct process_opens {
	__u64 opens;
	__u64 failures;
	char comm[TASK_COMM_LEN]; /* the main thread's: the process's name */
};

/* Ring buffer records are written through a pointer, which leaves no trace in the BTF: this global keeps
 * struct open_event there, so RecordTypes="events=open_event" can generate OpenSnoopBpf.OpenEvent from it. */
struct open_event *open_event_type __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32); /* thread id */
	__type(value, struct open_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 512 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32); /* tgid */
	__type(value, struct process_opens);
} opens SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int handle_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct open_start start = {
		.filename = ctx->args[1],
		.flags = (__s32)ctx->args[2],
	};
	bpf_map_update_elem(&starts, &tid, &start, BPF_ANY);
	return 0;
}

static void count_open(__u32 tgid, long ret)
{
	struct process_opens *totals = bpf_map_lookup_elem(&opens, &tgid);
	if (!totals) {
		struct process_opens zero = {};
		/* Another thread of the process may insert first: then count on its entry. */
		bpf_map_update_elem(&opens, &tgid, &zero, BPF_NOEXIST);
		totals = bpf_map_lookup_elem(&opens, &tgid);
		if (!totals)
			return; /* the map is full */
	}
	__sync_fetch_and_add(&totals->opens, 1);
	if (ret < 0)
		__sync_fetch_and_add(&totals->failures, 1);
	/* The process's name is its main thread's (as ps shows it), read every time so an exec's new name shows. */
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	BPF_CORE_READ_STR_INTO(&totals->comm, task, group_leader, comm);
}

SEC("tp/syscalls/sys_exit_openat")
int handle_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct open_start *start = bpf_map_lookup_elem(&starts, &tid);
	if (!start)
		return 0; /* entered before the program was attached */

	long ret = ctx->ret;
	count_open(id >> 32, ret);

	struct open_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (event) {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();
		event->time_ns = bpf_ktime_get_ns();
		event->pid = id >> 32;
		event->ppid = BPF_CORE_READ(task, real_parent, tgid);
		event->uid = (__u32)bpf_get_current_uid_gid();
		event->ret = (__s32)ret;
		event->flags = start->flags;
		bpf_get_current_comm(event->comm, sizeof(event->comm));
		bpf_probe_read_user_str(event->filename, sizeof(event->filename), (const char *)start->filename);
		bpf_ringbuf_submit(event, 0);
	}
	/* else the ring is full: user space is behind, and the record is dropped (the totals still count it) */

	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
