/* A USDT program written against libbpf's usdt.bpf.h: it reads its probe's two arguments with bpf_usdt_arg
 * (through BPF_USDT) and keeps the hit count and the last arguments. libbpf's headers, not bpfchannels.h;
 * x86-64 register names (the tests build their probe binary for this machine); the build item defines the
 * target architecture, this is for a compile by hand. */
#ifndef __TARGET_ARCH_x86
#define __TARGET_ARCH_x86
#endif
#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>
/* [0] hits, [1] the last first argument, [2] the last second argument, [3] the sum of the first arguments. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} usdt_seen SEC(".maps");

SEC("usdt")
int BPF_USDT(on_tick, int counter, long value)
{
	__u32 key = 0;
	__u64 *hits = bpf_map_lookup_elem(&usdt_seen, &key);
	if (hits)
		__sync_fetch_and_add(hits, 1);
	key = 1;
	__u64 first = counter;
	bpf_map_update_elem(&usdt_seen, &key, &first, BPF_ANY);
	key = 2;
	__u64 second = value;
	bpf_map_update_elem(&usdt_seen, &key, &second, BPF_ANY);
	key = 3;
	__u64 *sum = bpf_map_lookup_elem(&usdt_seen, &key);
	if (sum)
		__sync_fetch_and_add(sum, first);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
