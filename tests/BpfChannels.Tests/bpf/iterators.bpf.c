/* BPF iterators: a task iterator printing one line per task, and a map element iterator writing each element as a
 * binary record. The kernel types are declared with only the fields read, relocated against vmlinux BTF by libbpf. */
#include "bpfchannels.h"

#define __ctx_type __attribute__((preserve_access_index))

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __ctx_type;

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} __ctx_type;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __ctx_type;

struct bpf_iter__bpf_map_elem {
	struct bpf_iter_meta *meta;
	void *map;
	void *key;
	void *value;
} __ctx_type;

static long (*bpf_seq_printf)(struct seq_file *m, const char *fmt, __u32 fmt_size, const void *data, __u32 data_len) = (void *)BPF_FUNC_seq_printf;
static long (*bpf_seq_write)(struct seq_file *m, const void *data, __u32 len) = (void *)BPF_FUNC_seq_write;

/* The map the test walks: u32 keys, u64 values. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} walked SEC(".maps");

/* One line per thread: "<tgid> <pid> <comm>". */
SEC("iter/task")
int list_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	if (!task)
		return 0;
	static const char fmt[] = "%d %d %s\n";
	__u64 args[3] = { task->tgid, task->pid, (__u64)(long)task->comm };
	bpf_seq_printf(ctx->meta->seq, fmt, sizeof(fmt), args, sizeof(args));
	return 0;
}

struct element {
	__u32 key;
	__u32 pad;
	__u64 value;
};

/* One 16-byte record per element: key, padding, value. */
SEC("iter/bpf_map_elem")
int dump_elements(struct bpf_iter__bpf_map_elem *ctx)
{
	__u32 *key = ctx->key;
	__u64 *value = ctx->value;
	if (!key || !value)
		return 0;
	struct element e = { .key = *key, .value = *value };
	bpf_seq_write(ctx->meta->seq, &e, sizeof(e));
	return 0;
}

char _license[] SEC("license") = "GPL";
