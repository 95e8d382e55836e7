// C baselines for the map benchmarks: the same work as the managed benchmarks, done with raw bpf(2)
// through syscall(SYS_bpf, ...), with the attr sizes libbpf uses. Each function returns a non-negative
// result or -errno, and stops at the first unexpected error, as the managed code throws at it.
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ATTR_END(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

static inline long sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
    return syscall(SYS_bpf, cmd, attr, size);
}

// W1: count updates of u32 -> u64, keys cycling through 0..key_count-1, value = iteration number.
int bench_maps_update(int fd, int count, uint32_t key_count)
{
    union bpf_attr attr;
    uint32_t key = 0;
    uint64_t value;
    for (int i = 0; i < count; i++) {
        value = (uint64_t)i;
        memset(&attr, 0, ATTR_END(flags));
        attr.map_fd = fd;
        attr.key = (uint64_t)(uintptr_t)&key;
        attr.value = (uint64_t)(uintptr_t)&value;
        attr.flags = BPF_ANY;
        if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, ATTR_END(flags)) < 0)
            return -errno;
        if (++key == key_count)
            key = 0;
    }
    return 0;
}

// W2: count lookups of u32 -> u64, keys cycling; returns the number found (a missing key is not an error).
int bench_maps_lookup(int fd, int count, uint32_t key_count, uint64_t *sum)
{
    union bpf_attr attr;
    uint32_t key = 0;
    uint64_t value, total = 0;
    int found = 0;
    for (int i = 0; i < count; i++) {
        memset(&attr, 0, ATTR_END(flags));
        attr.map_fd = fd;
        attr.key = (uint64_t)(uintptr_t)&key;
        attr.value = (uint64_t)(uintptr_t)&value;
        if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, ATTR_END(flags)) == 0) {
            total += value;
            found++;
        } else if (errno != ENOENT) {
            return -errno;
        }
        if (++key == key_count)
            key = 0;
    }
    *sum = total;
    return found;
}

// W3: every key with get_next_key, then its value with a lookup, into keys[] and values[] back to back.
// Returns the number of entries read.
int bench_maps_snapshot_get_next_key(int fd, uint8_t *keys, uint8_t *values, uint32_t key_size,
                                     uint32_t value_size, int capacity)
{
    union bpf_attr attr;
    const uint8_t *cursor = NULL;
    int n = 0;
    while (n < capacity) {
        uint8_t *slot = keys + (size_t)n * key_size;
        memset(&attr, 0, ATTR_END(next_key));
        attr.map_fd = fd;
        attr.key = (uint64_t)(uintptr_t)cursor;
        attr.next_key = (uint64_t)(uintptr_t)slot;
        if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, ATTR_END(next_key)) < 0)
            return errno == ENOENT ? n : -errno;

        memset(&attr, 0, ATTR_END(flags));
        attr.map_fd = fd;
        attr.key = (uint64_t)(uintptr_t)slot;
        attr.value = (uint64_t)(uintptr_t)(values + (size_t)n * value_size);
        if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, ATTR_END(flags)) < 0) {
            if (errno != ENOENT)
                return -errno;
            cursor = slot; // deleted meanwhile: step past it without keeping it
            continue;
        }
        cursor = slot;
        n++;
    }
    return n;
}

// W4: every entry with BPF_MAP_LOOKUP_BATCH, chunk entries per call, into keys[] and values[] (room for
// capacity entries). Returns the number of entries read.
int bench_maps_snapshot_batch(int fd, uint8_t *keys, uint8_t *values, uint32_t key_size, uint32_t value_size,
                              int capacity, uint32_t chunk)
{
    union bpf_attr attr;
    uint64_t token[8]; // in_batch/out_batch: at least a key, at least 8 bytes
    int total = 0;
    int started = 0;
    for (;;) {
        if (total + (int)chunk > capacity)
            return -ENOSPC;
        memset(&attr, 0, ATTR_END(batch));
        attr.batch.in_batch = started ? (uint64_t)(uintptr_t)token : 0;
        attr.batch.out_batch = (uint64_t)(uintptr_t)token;
        attr.batch.keys = (uint64_t)(uintptr_t)(keys + (size_t)total * key_size);
        attr.batch.values = (uint64_t)(uintptr_t)(values + (size_t)total * value_size);
        attr.batch.count = chunk;
        attr.batch.map_fd = fd;
        long result = sys_bpf(BPF_MAP_LOOKUP_BATCH, &attr, ATTR_END(batch));
        if (result < 0 && errno != ENOENT)
            return -errno;
        total += (int)attr.batch.count;
        if (result < 0)
            return total; // ENOENT: the walk is over
        started = 1;
    }
}

// W4 into new memory, as a first read into a new snapshot: malloc buffers for capacity entries, read the map into
// them (the kernel's copy faults every page in), free them. Returns the number of entries read.
int bench_maps_snapshot_batch_fresh(int fd, uint32_t key_size, uint32_t value_size, int capacity, uint32_t chunk)
{
    uint8_t *keys = malloc((size_t)capacity * key_size);
    uint8_t *values = malloc((size_t)capacity * value_size);
    int n = keys && values ? bench_maps_snapshot_batch(fd, keys, values, key_size, value_size, capacity, chunk) : -ENOMEM;
    free(keys);
    free(values);
    return n;
}
