// Fills the benchmark's 64 MiB ring buffer with 64-byte records (a sequence number and seven words) in
// one BPF_PROG_TEST_RUN, so every benchmark iteration drains the same 500,000 records.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);
} bench_events SEC(".maps");

struct fill_state {
	__u32 failed;
};

static long fill_one(__u32 i, void *ctx)
{
	struct fill_state *s = ctx;
	__u64 *r = bpf_ringbuf_reserve(&bench_events, 64, 0);
	if (!r) {
		s->failed++;
		return 1;
	}
	for (__u32 k = 0; k < 8; k++)
		r[k] = (__u64)i + k;
	/* No wakeup per record: the benchmark drains after the fill, not while it runs. */
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}

struct fill_args {
	__u32 count;
	__u32 failed; /* out */
};

SEC("syscall")
int fill(struct fill_args *args)
{
	struct fill_state s = { 0 };
	bpf_loop(args->count, fill_one, &s, 0);
	args->failed = s.failed;
	return s.failed;
}

/* One record holding bpf_ktime_get_ns() (CLOCK_MONOTONIC), committed with the default adaptive wakeup, for
 * the latency benchmarks: the subscriber subtracts it from its own CLOCK_MONOTONIC reading. */
SEC("syscall")
int stamp(void *ctx)
{
	__u64 *r = bpf_ringbuf_reserve(&bench_events, sizeof(__u64), 0);
	if (!r)
		return 1;
	*r = bpf_ktime_get_ns();
	bpf_ringbuf_submit(r, 0);
	return 0;
}
