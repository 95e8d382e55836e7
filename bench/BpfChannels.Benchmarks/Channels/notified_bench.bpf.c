/* The notified-channel benchmark's program: changes keys of a hash of up to 1,048,576 entries through
 * bpfchan_update, each value stamped with bpf_ktime_get_ns() so the reader can measure the latency from the
 * kernel write to its handler. */
#include "bpfchannels.h"

BPFCHAN_CHANGES(1024 * 1024);

struct stamped {
	__u64 stamp; /* bpf_ktime_get_ns() at the write (CLOCK_MONOTONIC) */
	__u64 seq;   /* the change's sequence number */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 20);
	__type(key, __u32);
	__type(value, struct stamped);
} bench_watched SEC(".maps");

struct bench_args {
	__u32 entries; /* keys are 0 .. entries - 1 */
	__u32 count;   /* changes in this run */
	__u64 seq;     /* the first change's sequence number */
};

static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *)BPF_FUNC_loop;

static long change_one(__u32 i, struct bench_args *args)
{
	__u64 seq = args->seq + i;
	__u32 key = (__u32)((seq * 2654435761u) % (args->entries ? args->entries : 1));
	struct stamped value = { .stamp = bpf_ktime_get_ns(), .seq = seq };
	bpfchan_update(bench_watched, &key, &value, BPF_ANY);
	return 0;
}

static long fill_one(__u32 i, struct bench_args *args)
{
	__u32 key = i;
	struct stamped value = { .stamp = 0, .seq = 0 };
	bpf_map_update_elem(&bench_watched, &key, &value, BPF_ANY);
	return 0;
}

/* count changes of pseudo-random existing keys, with notices. */
SEC("syscall")
int change(struct bench_args *args)
{
	struct bench_args copy = *args;
	return bpf_loop(copy.count, change_one, &copy, 0);
}

/* Keys 0 .. entries - 1, without notices (the map's state before anyone watches). */
SEC("syscall")
int fill(struct bench_args *args)
{
	struct bench_args copy = *args;
	return bpf_loop(copy.entries, fill_one, &copy, 0);
}

char LICENSE[] SEC("license") = "GPL";
