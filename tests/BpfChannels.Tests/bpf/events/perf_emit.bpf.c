// Writes numbered 64-byte samples to a perf event array on the current CPU and returns how many outputs
// the kernel refused (ring full), so tests can match them against the lost-sample records. A raw
// tracepoint program rather than SEC("syscall"): sleepable programs may not use perf event arrays,
// and raw tracepoint programs can be run with BPF_PROG_TEST_RUN too (args[0] = first sequence number,
// args[1] = count).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} samples SEC(".maps");

struct sample {
	__u64 seq;
	__u64 words[7];
};

SEC("raw_tp")
int emit_samples(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 start = ctx->args[0];
	__u64 count = ctx->args[1];
	int failed = 0;

	for (__u32 i = 0; i < 4096 && i < count; i++) {
		struct sample smp = { .seq = start + i };
		for (__u32 k = 0; k < 7; k++)
			smp.words[k] = smp.seq + k;
		if (bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &smp, sizeof(smp)) < 0)
			failed++;
	}
	return failed;
}
