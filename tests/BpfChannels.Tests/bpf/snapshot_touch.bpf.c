// Changes values of a u32 -> u64 hash in place, as a program bumping counters does: a lookup and an atomic add
// through the returned pointer, so the element (and its place in the hash's iteration order) stays where it is.
// The diff tests run it with BPF_PROG_TEST_RUN.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10000);
	__type(key, __u32);
	__type(value, __u64);
} touched SEC(".maps");

struct touch_args {
	__u32 first;   /* the first key */
	__u32 count;   /* how many keys */
	__u32 stride;  /* key i is first + i * stride */
	__u32 missing; /* out: keys not in the map */
	__u64 add;     /* added to each value */
};

static long touch_one(__u32 i, void *ctx)
{
	struct touch_args *a = ctx;
	__u32 key = a->first + i * a->stride;
	__u64 *value = bpf_map_lookup_elem(&touched, &key);
	if (!value) {
		a->missing++;
		return 0;
	}
	__sync_fetch_and_add(value, a->add);
	return 0;
}

SEC("syscall")
int touch(struct touch_args *args)
{
	struct touch_args a = *args;
	a.missing = 0;
	bpf_loop(a.count, touch_one, &a, 0);
	args->missing = a.missing;
	return a.missing;
}
