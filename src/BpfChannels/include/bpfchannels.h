/* The small BPF-side header shipped with BpfChannels: section and map-definition macros and the helpers
 * its programs call, so a machine needs only clang and the kernel's uapi headers (linux/bpf.h).
 * With libbpf's headers (the libbpf way), include them first: after <bpf/bpf_helpers.h> this header
 * adds only what libbpf lacks (struct bpf_map_def), so both can be used in one program. With a generated
 * vmlinux.h (BpfProgram Vmlinux="true"), include vmlinux.h first of all: the kernel's types then come
 * from it and linux/bpf.h is not included. Included before bpf_helpers.h, its definitions clash with
 * libbpf's (they are the same helpers). */
#ifndef BPFCHANNELS_H
#define BPFCHANNELS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/bpf.h>
#endif

#ifndef __BPF_HELPERS__
#define SEC(name) __attribute__((section(name), used))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))

/* BTF-defined maps (libbpf, kernel 5.2+): struct { __uint(type, ...); __type(key, ...); ... } name SEC(".maps"); */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]

/* __uint(pinning, LIBBPF_PIN_BY_NAME): pin the map as <pin root>/<name> and reuse that pin on the next load. */
enum libbpf_pin_type {
	LIBBPF_PIN_NONE,
	LIBBPF_PIN_BY_NAME,
};

/* Helpers, numbered as in enum bpf_func_id (linux/bpf.h). */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)BPF_FUNC_map_update_elem;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_delete_elem;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)BPF_FUNC_ktime_get_ns;
static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *)BPF_FUNC_trace_printk;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)BPF_FUNC_get_smp_processor_id;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)BPF_FUNC_get_current_pid_tgid;
static __u64 (*bpf_get_current_uid_gid)(void) = (void *)BPF_FUNC_get_current_uid_gid;
static long (*bpf_get_current_comm)(void *buf, __u32 size_of_buf) = (void *)BPF_FUNC_get_current_comm;
static long (*bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *)BPF_FUNC_perf_event_output;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size, __u64 flags) = (void *)BPF_FUNC_ringbuf_output;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)BPF_FUNC_ringbuf_reserve;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)BPF_FUNC_ringbuf_submit;
static void (*bpf_ringbuf_discard)(void *data, __u64 flags) = (void *)BPF_FUNC_ringbuf_discard;
static long (*bpf_user_ringbuf_drain)(void *map, void *callback_fn, void *ctx, __u64 flags) = (void *)209;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *unsafe_ptr) = (void *)BPF_FUNC_probe_read_kernel;
#endif /* libbpf's bpf_helpers.h */

/* The legacy definition read from SEC("maps") by BpfChannels' own loader (libbpf 1.x refuses it). */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

/* Change notices for notified map channels: BPFCHAN_CHANGES, bpfchan_update, bpfchan_delete, bpfchan_touch. */
#include "bpfchannels_notify.h"

#endif
