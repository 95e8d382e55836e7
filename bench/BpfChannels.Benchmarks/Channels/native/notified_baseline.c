/* The C baseline of the notified-channel benchmark: what a C program would do to follow the same map. A
 * thread waits in libbpf's ring_buffer__poll on the change ring (bpfchan_changes), and for every notice looks
 * the key up with bpf_map_lookup_elem and records the latency from the value's bpf_ktime_get_ns() stamp to
 * its own CLOCK_MONOTONIC reading. libbpf is loaded with dlopen, so the baseline library links nothing but
 * libc (bench/run.sh compiles every baseline into one library without extra link flags). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ring_buffer;
typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);

struct notify_baseline {
	struct ring_buffer *(*rb_new)(int fd, ring_buffer_sample_fn cb, void *ctx, const void *opts);
	int (*rb_poll)(struct ring_buffer *rb, int timeout_ms);
	void (*rb_free)(struct ring_buffer *rb);
	int (*lookup)(int fd, const void *key, void *value);
	struct ring_buffer *rb;
	int map_fd;
	volatile int stop;
	pthread_t thread;
	int64_t *latencies;
	size_t capacity;
	size_t count;
	uint64_t lookups;
	uint64_t cpu_ns;
};

struct stamped {
	uint64_t stamp;
	uint64_t seq;
};

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A notice: u32 tag, u8 kind, u8 reserved, u16 key size, then the key (bpfchannels_notify.h). */
static int on_notice(void *ctx, void *data, size_t size)
{
	struct notify_baseline *b = ctx;
	struct stamped value;
	if (size < 12)
		return 0;
	if (b->lookup(b->map_fd, (const uint8_t *)data + 8, &value) == 0) {
		uint64_t now = clock_ns(CLOCK_MONOTONIC);
		if (b->count < b->capacity)
			b->latencies[b->count++] = (int64_t)(now - value.stamp);
	}
	b->lookups++;
	return 0;
}

static void *run(void *arg)
{
	struct notify_baseline *b = arg;
	pthread_setname_np(pthread_self(), "bench notify c");
	uint64_t start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	while (!b->stop)
		b->rb_poll(b->rb, 100);
	b->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - start;
	return NULL;
}

/* Starts the reading thread. Returns NULL and sets errno on failure. */
void *bench_notify_start(int ring_fd, int map_fd, int64_t *latencies, size_t capacity)
{
	void *libbpf = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!libbpf) {
		errno = ENOENT;
		return NULL;
	}
	struct notify_baseline *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->rb_new = (struct ring_buffer * (*)(int, ring_buffer_sample_fn, void *, const void *)) dlsym(libbpf, "ring_buffer__new");
	b->rb_poll = (int (*)(struct ring_buffer *, int))dlsym(libbpf, "ring_buffer__poll");
	b->rb_free = (void (*)(struct ring_buffer *))dlsym(libbpf, "ring_buffer__free");
	b->lookup = (int (*)(int, const void *, void *))dlsym(libbpf, "bpf_map_lookup_elem");
	if (!b->rb_new || !b->rb_poll || !b->rb_free || !b->lookup) {
		free(b);
		errno = ENOSYS;
		return NULL;
	}
	b->map_fd = map_fd;
	b->latencies = latencies;
	b->capacity = capacity;
	b->rb = b->rb_new(ring_fd, on_notice, b, NULL);
	if (!b->rb) {
		free(b);
		return NULL;
	}
	int err = pthread_create(&b->thread, NULL, run, b);
	if (err) {
		b->rb_free(b->rb);
		free(b);
		errno = err;
		return NULL;
	}
	return b;
}

/* Stops the thread; returns the number of latencies recorded, and its CPU time and lookups through the pointers. */
size_t bench_notify_stop(void *handle, uint64_t *cpu_ns, uint64_t *lookups)
{
	struct notify_baseline *b = handle;
	b->stop = 1;
	pthread_join(b->thread, NULL);
	size_t count = b->count;
	*cpu_ns = b->cpu_ns;
	*lookups = b->lookups;
	b->rb_free(b->rb);
	free(b);
	return count;
}
