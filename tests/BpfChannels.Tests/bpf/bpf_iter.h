/* What every iterator program of this suite shares: the iterator's metadata, as the kernel's BTF has it (only the
 * fields read; libbpf relocates them), and the seq_file output helpers. */
#ifndef BPFCHANNELS_TESTS_BPF_ITER_H
#define BPFCHANNELS_TESTS_BPF_ITER_H

#include "bpfchannels.h"

#define __ctx_type __attribute__((preserve_access_index))

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __ctx_type;

static long (*bpf_seq_printf)(struct seq_file *m, const char *fmt, __u32 fmt_size, const void *data, __u32 data_len) = (void *)BPF_FUNC_seq_printf;
static long (*bpf_seq_write)(struct seq_file *m, const void *data, __u32 len) = (void *)BPF_FUNC_seq_write;

#endif
