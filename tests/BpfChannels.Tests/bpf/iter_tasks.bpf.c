/* Iterators this suite's kernels load: a task iterator printing one line per task, a map iterator writing one
 * binary record per map, and a cgroup iterator writing each cgroup's id. The kernel types are declared with only the fields read, relocated against vmlinux BTF by
 * libbpf. */
#include "bpf_iter.h"

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} __ctx_type;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __ctx_type;

struct bpf_map {
	__u32 max_entries;
	__u32 id;
} __ctx_type;

struct bpf_iter__bpf_map {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
} __ctx_type;

struct kernfs_node {
	__u64 id;
} __ctx_type;

struct cgroup {
	struct kernfs_node *kn;
} __ctx_type;

struct bpf_iter__cgroup {
	struct bpf_iter_meta *meta;
	struct cgroup *cgroup;
} __ctx_type;

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

struct map_record {
	__u32 id;
	__u32 max_entries;
};

/* One 8-byte record per map in the system: its id and max_entries. */
SEC("iter/bpf_map")
int list_maps(struct bpf_iter__bpf_map *ctx)
{
	struct bpf_map *map = ctx->map;
	if (!map)
		return 0;
	struct map_record r = { .id = map->id, .max_entries = map->max_entries };
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

/* One u64 per cgroup visited: its id (the inode number of its cgroup2 directory). */
SEC("iter/cgroup")
int list_cgroups(struct bpf_iter__cgroup *ctx)
{
	struct cgroup *cgroup = ctx->cgroup;
	if (!cgroup)
		return 0;
	__u64 id = cgroup->kn->id;
	bpf_seq_write(ctx->meta->seq, &id, sizeof(id));
	return 0;
}

char _license[] SEC("license") = "GPL";
