/* The C baseline of the ring buffer benchmarks: maps a BPF ring buffer exactly as libbpf's ring_buffer__add
 * does and drains it with libbpf's ringbuf_process_ring loop (acquire loads of the producer position and of
 * each length word, a release store of the consumer position after each record, a callback per record
 * through a function pointer), so the C# readers are compared with what a C program would do. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define RINGBUF_BUSY_BIT (1U << 31)
#define RINGBUF_DISCARD_BIT (1U << 30)
#define RINGBUF_HDR_SZ 8

struct bench_ringbuf {
	uint64_t *consumer_pos;
	uint64_t *producer_pos;
	uint8_t *data;
	uint64_t mask;
	size_t page_size;
	size_t size;
};

typedef void (*bench_sample_fn)(void *ctx, const void *sample, uint32_t size);

static void sum_first_word(void *ctx, const void *sample, uint32_t size)
{
	if (size >= sizeof(uint64_t))
		*(uint64_t *)ctx += *(const uint64_t *)sample;
}

/* A volatile function pointer so the compiler cannot inline the callback, as it cannot in libbpf. */
static bench_sample_fn volatile sample_cb = sum_first_word;

/* Maps the ring buffer map fd of data size 'size'. Returns NULL and sets errno on failure. */
void *bench_ringbuf_open(int fd, uint32_t size)
{
	struct bench_ringbuf *rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->page_size = (size_t)sysconf(_SC_PAGESIZE);
	rb->size = size;
	rb->mask = (uint64_t)size - 1;
	void *consumer = mmap(NULL, rb->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (consumer == MAP_FAILED) {
		free(rb);
		return NULL;
	}
	void *producer = mmap(NULL, rb->page_size + 2 * (size_t)size, PROT_READ, MAP_SHARED, fd, (off_t)rb->page_size);
	if (producer == MAP_FAILED) {
		int err = errno;
		munmap(consumer, rb->page_size);
		free(rb);
		errno = err;
		return NULL;
	}
	rb->consumer_pos = consumer;
	rb->producer_pos = producer;
	rb->data = (uint8_t *)producer + rb->page_size;
	return rb;
}

/* Drains every committed record; returns the number of records and adds their first words to *sum. */
int64_t bench_ringbuf_drain(void *handle, uint64_t *sum)
{
	struct bench_ringbuf *rb = handle;
	int64_t count = 0;
	uint64_t cons_pos = __atomic_load_n(rb->consumer_pos, __ATOMIC_ACQUIRE);
	int got_new_data;
	do {
		got_new_data = 0;
		uint64_t prod_pos = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
		while (cons_pos < prod_pos) {
			uint32_t *len_ptr = (uint32_t *)(rb->data + (cons_pos & rb->mask));
			uint32_t len = __atomic_load_n(len_ptr, __ATOMIC_ACQUIRE);
			if (len & RINGBUF_BUSY_BIT)
				goto done;
			got_new_data = 1;
			uint32_t payload = len & ~(RINGBUF_BUSY_BIT | RINGBUF_DISCARD_BIT);
			cons_pos += ((uint64_t)payload + RINGBUF_HDR_SZ + 7) / 8 * 8;
			if ((len & RINGBUF_DISCARD_BIT) == 0) {
				sample_cb(sum, (uint8_t *)len_ptr + RINGBUF_HDR_SZ, payload);
				count++;
			}
			__atomic_store_n(rb->consumer_pos, cons_pos, __ATOMIC_RELEASE);
		}
	} while (got_new_data);
done:
	return count;
}

void bench_ringbuf_close(void *handle)
{
	struct bench_ringbuf *rb = handle;
	if (!rb)
		return;
	munmap(rb->producer_pos, rb->page_size + 2 * rb->size);
	munmap(rb->consumer_pos, rb->page_size);
	free(rb);
}
