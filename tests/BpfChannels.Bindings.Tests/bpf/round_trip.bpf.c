/* Writes one record with every field set to a distinct pattern into a hash map, a ring buffer and .bss, so the C#
 * side can read it back through the generated types and compare every field. Driven by BPF_PROG_TEST_RUN. */
#include "bpfchannels.h"

enum __attribute__((packed)) level { LEVEL_LOW = 1, LEVEL_HIGH = 0xAB };

struct sample {
	__u8 tag;
	__u64 stamp;
	__s16 delta;
	__u32 flags : 3;
	__s32 offset : 11;
	__u32 id : 18;
	enum level level;
	union {
		__u32 word;
		__u8 octets[4];
	};
	struct {
		__s32 x;
		__s32 y;
	} pos[2];
	__u16 grid[2][3];
	char label[10];
	void *ptr;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct sample);
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct sample last_sample;
__u64 runs;

static __always_inline void fill(struct sample *s)
{
	s->tag = 0x5A;
	s->stamp = 0x0123456789ABCDEFULL;
	s->delta = -12345;
	s->flags = 5;
	s->offset = -1000;
	s->id = 0x2BCDE;
	s->level = LEVEL_HIGH;
	s->word = 0xDEADBEEF;
	s->pos[0].x = -1;
	s->pos[0].y = 2;
	s->pos[1].x = 0x7FFFFFFF;
	s->pos[1].y = -0x7FFFFFFF;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++)
			s->grid[i][j] = (__u16)(0x1000 * (i + 1) + j);
	__builtin_memcpy(s->label, "round-trip", 10);
	s->ptr = (void *)0xFEEDFACECAFEBEEFULL;
}

SEC("syscall")
int write_sample(void *ctx)
{
	__u32 key = 7;
	struct sample s = {};
	fill(&s);
	bpf_map_update_elem(&samples, &key, &s, BPF_ANY);
	bpf_ringbuf_output(&events, &s, sizeof(s), 0);
	fill(&last_sample);
	runs++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
