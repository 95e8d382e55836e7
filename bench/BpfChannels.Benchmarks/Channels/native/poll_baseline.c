// C baseline for a map channel poll: read the whole map with BPF_MAP_LOOKUP_BATCH (the Maps baseline's loop),
// then compare with the previous read by memcmp and keep the new read as the previous one.
#include <stdint.h>
#include <string.h>

int bench_maps_snapshot_batch(int fd, uint8_t *keys, uint8_t *values, uint32_t key_size, uint32_t value_size,
                              int capacity, uint32_t chunk);

// Returns the number of changed entries (every entry when the key order changed), or -errno. *prev_count is the
// previous read's entry count on entry and this read's on return.
int bench_channels_poll(int fd, uint8_t *keys, uint8_t *values, uint8_t *prev_keys, uint8_t *prev_values, int *prev_count,
                        uint32_t key_size, uint32_t value_size, int capacity, uint32_t chunk)
{
    int count = bench_maps_snapshot_batch(fd, keys, values, key_size, value_size, capacity, chunk);
    if (count < 0)
        return count;
    int changed = 0;
    if (count == *prev_count && memcmp(keys, prev_keys, (size_t)count * key_size) == 0) {
        for (int i = 0; i < count; i++) {
            if (memcmp(values + (size_t)i * value_size, prev_values + (size_t)i * value_size, value_size) != 0)
                changed++;
        }
    } else {
        changed = count;
    }
    memcpy(prev_keys, keys, (size_t)count * key_size);
    memcpy(prev_values, values, (size_t)count * value_size);
    *prev_count = count;
    return changed;
}
