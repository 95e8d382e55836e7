/* The second C baseline of the ring buffer drain: libbpf's own reader. A ring_buffer__new on the map's fd and
 * ring_buffer__consume to drain it, with a sample callback that adds each record's first word to a sum, so the
 * C# readers are compared with the library C programs actually use (libbpf.so.1, whichever version is
 * installed) and not only with a hand-written copy of its loop. libbpf is loaded with dlopen, so the baseline
 * library links nothing but libc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct ring_buffer;
typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);

struct libbpf_drain {
	struct ring_buffer *(*rb_new)(int fd, ring_buffer_sample_fn cb, void *ctx, const void *opts);
	int (*rb_consume)(struct ring_buffer *rb);
	void (*rb_free)(struct ring_buffer *rb);
	struct ring_buffer *rb;
	uint64_t sum;
};

static int sum_first_word(void *ctx, void *data, size_t size)
{
	if (size >= sizeof(uint64_t))
		((struct libbpf_drain *)ctx)->sum += *(const uint64_t *)data;
	return 0;
}

/* A libbpf ring_buffer on the ring buffer map fd. Returns NULL and sets errno on failure. */
void *bench_ringbuf_libbpf_open(int fd)
{
	void *libbpf = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!libbpf) {
		errno = ENOENT;
		return NULL;
	}
	struct libbpf_drain *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->rb_new = (struct ring_buffer * (*)(int, ring_buffer_sample_fn, void *, const void *)) dlsym(libbpf, "ring_buffer__new");
	d->rb_consume = (int (*)(struct ring_buffer *))dlsym(libbpf, "ring_buffer__consume");
	d->rb_free = (void (*)(struct ring_buffer *))dlsym(libbpf, "ring_buffer__free");
	if (!d->rb_new || !d->rb_consume || !d->rb_free) {
		free(d);
		errno = ENOSYS;
		return NULL;
	}
	d->rb = d->rb_new(fd, sum_first_word, d, NULL);
	if (!d->rb) {
		int err = errno;
		free(d);
		errno = err;
		return NULL;
	}
	return d;
}

/* Drains with ring_buffer__consume; returns its count (or -errno) and stores the records' first-word sum. */
int64_t bench_ringbuf_libbpf_drain(void *handle, uint64_t *sum)
{
	struct libbpf_drain *d = handle;
	d->sum = 0;
	int n = d->rb_consume(d->rb);
	*sum = d->sum;
	return n;
}

void bench_ringbuf_libbpf_close(void *handle)
{
	struct libbpf_drain *d = handle;
	if (!d)
		return;
	d->rb_free(d->rb);
	free(d);
}
