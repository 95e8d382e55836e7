// Changes values of a u32 -> u64 hash in place, as a program bumping counters does: a lookup and an atomic add
// through the returned pointer, so the element (and its place in the hash's iteration order) stays where it is.
// The diff tests run it with BPF_PROG_TEST_RUN, and so do the keyed poll benchmarks
// (bench/BpfChannels.Benchmarks/Channels), which set the map's max_entries before load.
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
	__u32 first;   /* key i is (first + i * stride) % modulo */
	__u32 count;   /* how many keys */
	__u32 stride;
	__u32 modulo;
	__u64 add;     /* added to each value */
	__u32 missing; /* out: keys not in the map */
	__u32 pad;
};

static long touch_one(__u32 i, void *ctx)
{
	struct touch_args *a = ctx;
	__u32 key = (a->first + i * a->stride) % a->modulo;
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
	if (a.modulo == 0)
		return -1;
	a.missing = 0;
	bpf_loop(a.count, touch_one, &a, 0);
	args->missing = a.missing;
	return a.missing;
}
