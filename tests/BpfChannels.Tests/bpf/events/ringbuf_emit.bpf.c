// Emits numbered 64-byte records into one of two ring buffers, discarding every Nth reservation, so
// tests can check that every committed record arrives once, in order, with the right content.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 << 10);
} side_events SEC(".maps");

struct emit_args {
	__u64 start;         /* sequence number of the first record */
	__u32 count;         /* records to commit */
	__u32 discard_every; /* also reserve and discard one record after every Nth commit (0: never) */
	__u32 target;        /* 0: events, 1: side_events */
	__u32 failed;        /* out: reservations that failed */
};

struct record {
	__u64 seq;
	__u64 words[7];
};

struct loop_state {
	__u64 start;
	__u32 discard_every;
	__u32 target;
	__u32 failed;
};

static __always_inline __u64 word(__u64 seq, __u32 k)
{
	return (seq * 0x9E3779B97F4A7C15ULL) ^ ((__u64)k << 56) ^ k;
}

static __always_inline struct record *reserve(__u32 target)
{
	if (target)
		return bpf_ringbuf_reserve(&side_events, sizeof(struct record), 0);
	return bpf_ringbuf_reserve(&events, sizeof(struct record), 0);
}

static long emit_one(__u32 i, void *ctx)
{
	struct loop_state *s = ctx;
	__u64 seq = s->start + i;
	struct record *r = reserve(s->target);
	if (!r) {
		s->failed++;
		return 0;
	}
	r->seq = seq;
	for (__u32 k = 0; k < 7; k++)
		r->words[k] = word(seq, k);
	bpf_ringbuf_submit(r, 0);

	if (s->discard_every && (i % s->discard_every) == 0) {
		struct record *d = reserve(s->target);
		if (d) {
			d->seq = ~0ULL;
			bpf_ringbuf_discard(d, 0);
		}
	}
	return 0;
}

SEC("syscall")
int emit_records(struct emit_args *args)
{
	struct loop_state s = {
		.start = args->start,
		.discard_every = args->discard_every,
		.target = args->target,
	};
	bpf_loop(args->count, emit_one, &s, 0);
	args->failed = s.failed;
	return s.failed;
}
