/* Programs that change maps through the change-notice wrappers (bpfchannels_notify.h), for notified map
 * channels; the ring is as small as a ring can be (one page), so a few hundred notices overflow it. */
#include "bpfchannels.h"

BPFCHAN_CHANGES(4096);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u64);
} watched SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} watched_percpu SEC(".maps");

struct notified_args {
	__u32 key;   /* the first key */
	__u32 count; /* how many consecutive keys */
	__u64 value; /* the first key's value; key + i gets value + i */
};

/* bpf_loop (kernel 5.17) keeps the verifier's work independent of the count. */
static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *)BPF_FUNC_loop;

struct loop_state {
	__u32 key;
	__u64 value;
	int done;
};

static long put_one(__u32 i, struct loop_state *s)
{
	__u32 key = s->key + i;
	__u64 value = s->value + i;
	if (bpfchan_update(watched, &key, &value, BPF_ANY) == 0)
		s->done++;
	return 0;
}

static long del_one(__u32 i, struct loop_state *s)
{
	__u32 key = s->key + i;
	if (bpfchan_delete(watched, &key) == 0)
		s->done++;
	return 0;
}

static long bump_one(__u32 i, struct loop_state *s)
{
	__u32 key = s->key + i;
	__u64 *value = bpf_map_lookup_elem(&watched, &key);
	if (!value)
		return 0;
	__sync_fetch_and_add(value, s->value);
	bpfchan_touch(watched, &key);
	s->done++;
	return 0;
}

static long put_quietly_one(__u32 i, struct loop_state *s)
{
	__u32 key = s->key + i;
	__u64 value = s->value + i;
	if (bpf_map_update_elem(&watched, &key, &value, BPF_ANY) == 0)
		s->done++;
	return 0;
}

static long put_percpu_one(__u32 i, struct loop_state *s)
{
	__u32 key = s->key + i;
	__u64 value = s->value + i;
	if (bpfchan_update(watched_percpu, &key, &value, BPF_ANY) == 0)
		s->done++;
	return 0;
}

/* The tag a renamed map keeps using (MapChannelOptions.NoticeTag on the user side). */
#define RENAMED_TAG 0x0badc0de

static long put_tagged_one(__u32 i, struct loop_state *s)
{
	__u32 key = s->key + i;
	__u64 value = s->value + i;
	if (bpfchan_update_tagged(watched, RENAMED_TAG, &key, &value, BPF_ANY) == 0)
		s->done++;
	return 0;
}

#define RUN(callback, args)                                                          \
	({                                                                           \
		struct loop_state s = { .key = (args)->key, .value = (args)->value }; \
		bpf_loop((args)->count, callback, &s, 0);                            \
		s.done;                                                              \
	})

/* watched[key + i] = value + i through bpfchan_update; returns how many updates succeeded. */
SEC("syscall")
int put(struct notified_args *args)
{
	return RUN(put_one, args);
}

/* Deletes watched[key + i] through bpfchan_delete; returns how many were there. */
SEC("syscall")
int del(struct notified_args *args)
{
	return RUN(del_one, args);
}

/* Adds value to watched[key + i] in place and touches it; returns how many keys were there. */
SEC("syscall")
int bump(struct notified_args *args)
{
	return RUN(bump_one, args);
}

/* watched[key + i] = value + i without the wrappers: only a reconciliation can see these. */
SEC("syscall")
int put_quietly(struct notified_args *args)
{
	return RUN(put_quietly_one, args);
}

/* This CPU's watched_percpu[key + i] = value + i through bpfchan_update. */
SEC("syscall")
int put_percpu(struct notified_args *args)
{
	return RUN(put_percpu_one, args);
}

/* watched[key + i] = value + i through bpfchan_update_tagged, with the explicit tag RENAMED_TAG. */
SEC("syscall")
int put_tagged(struct notified_args *args)
{
	return RUN(put_tagged_one, args);
}

char LICENSE[] SEC("license") = "GPL";
