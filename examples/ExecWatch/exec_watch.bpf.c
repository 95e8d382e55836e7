/* Sends one record per exec() to user space through a ring buffer. */
#include "bpfchannels.h"

static long (*bpf_probe_read_kernel_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)BPF_FUNC_probe_read_kernel_str;

struct exec_event {
	__u32 pid;
	__u32 uid;
	__u64 time_ns;
	char comm[16];
	char filename[128];
};

/* Ring buffer records are written through a pointer, which leaves no trace in the BTF: this global keeps
 * struct exec_event there, so RecordTypes="events=exec_event" can generate ExecWatchBpf.ExecEvent from it. */
struct exec_event *exec_event_type __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* The sched_process_exec tracepoint's record (see its format file in tracefs). */
struct sched_process_exec_args {
	__u64 common;
	__u32 filename_loc; /* __data_loc: offset in the low 16 bits */
	__s32 pid;
	__s32 old_pid;
};

SEC("tracepoint/sched/sched_process_exec")
int on_exec(struct sched_process_exec_args *ctx)
{
	struct exec_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event)
		return 0; /* the buffer is full: user space is behind, the record is dropped */

	event->pid = ctx->pid;
	event->uid = (__u32)bpf_get_current_uid_gid();
	event->time_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	bpf_probe_read_kernel_str(event->filename, sizeof(event->filename), (char *)ctx + (ctx->filename_loc & 0xFFFF));
	bpf_ringbuf_submit(event, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
