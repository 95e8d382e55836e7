// C baselines for a map channel poll: read the whole map with BPF_MAP_LOOKUP_BATCH (the Maps baseline's loop),
// then compare with the previous read: by memcmp in place (bench_channels_poll), or matching entries by key
// (bench_channels_poll_keyed, below).
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
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

// The keyed poll: the same batch read, then a diff that matches entries by key, as a map channel must when the
// reads' key orders differ (a hash key rewritten from user space moves to the head of its bucket). The same
// algorithm as the managed diff, so the two differ only in how they are built: runs of keys in the same place are
// compared entry by entry with memcmp; a key out of place is looked for within KEYED_WINDOW entries of where the
// walk is, then in an open-addressing index of the previous read's keys (built once per poll when first needed),
// and the walk goes on after it; previous entries never matched are the removed ones (one bit each). The reads are
// not copied: the caller alternates two buffer sets, as the managed channel swaps its two snapshots.
#define KEYED_WINDOW 8

static uint64_t *keyed_slots;   // (hash << 32) | (entry + 1); 0 is empty
static size_t keyed_slot_count; // a power of two, at least twice the entries
static uint64_t *keyed_bits;
static size_t keyed_bit_words;

static inline uint32_t key_hash(const uint8_t *key, uint32_t size)
{
    if (size == 4) {
        uint32_t k;
        memcpy(&k, key, 4);
        return k * 0x9E3779B1u;
    }
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a for other sizes
    for (uint32_t i = 0; i < size; i++)
        h = (h ^ key[i]) * 0x100000001b3ull;
    return (uint32_t)(h >> 32) * 0x9E3779B1u;
}

static int keyed_index_build(const uint8_t *keys, int count, uint32_t key_size, int *shift)
{
    size_t slots = 16;
    while (slots < (size_t)count * 2)
        slots <<= 1;
    if (slots > keyed_slot_count) {
        free(keyed_slots);
        keyed_slots = malloc(slots * sizeof(uint64_t));
        if (!keyed_slots)
            return -ENOMEM;
        keyed_slot_count = slots;
    }
    memset(keyed_slots, 0, slots * sizeof(uint64_t));
    *shift = 32 - __builtin_ctzll(slots);
    for (int i = 0; i < count; i++) {
        uint32_t h = key_hash(keys + (size_t)i * key_size, key_size);
        size_t s = h >> *shift;
        while (keyed_slots[s])
            s = (s + 1) & (slots - 1);
        keyed_slots[s] = ((uint64_t)h << 32) | (uint32_t)(i + 1);
    }
    return 0;
}

static int keyed_index_find(const uint8_t *keys, uint32_t key_size, int shift, const uint8_t *key, size_t slots)
{
    uint32_t h = key_hash(key, key_size);
    size_t s = h >> shift;
    for (;;) {
        uint64_t stored = keyed_slots[s];
        if (!stored)
            return -1;
        int entry = (int)(uint32_t)stored - 1;
        if ((uint32_t)(stored >> 32) == h && memcmp(keys + (size_t)entry * key_size, key, key_size) == 0)
            return entry;
        s = (s + 1) & (slots - 1);
    }
}

static int keyed_find_near(const uint8_t *keys, uint32_t key_size, const uint8_t *key, int near, int count)
{
    for (int d = 0; d <= KEYED_WINDOW; d++) {
        int after = near + d, before = near - d - 1;
        if (after < count && memcmp(keys + (size_t)after * key_size, key, key_size) == 0)
            return after;
        if (before >= 0 && before < count && memcmp(keys + (size_t)before * key_size, key, key_size) == 0)
            return before;
    }
    return -1;
}

// Reads the map into keys/values and diffs it against prev_keys/prev_values (prev_count entries). Returns the
// number of changes (added + updated + removed) and stores this read's count in *count, or returns -errno.
int bench_channels_poll_keyed(int fd, uint8_t *keys, uint8_t *values, const uint8_t *prev_keys,
                              const uint8_t *prev_values, int prev_count, int *count_out, uint32_t key_size,
                              uint32_t value_size, int capacity, uint32_t chunk)
{
    int n = bench_maps_snapshot_batch(fd, keys, values, key_size, value_size, capacity, chunk);
    if (n < 0)
        return n;
    *count_out = n;
    int p = prev_count, changes = 0;
    if (n == p && memcmp(keys, prev_keys, (size_t)n * key_size) == 0) {
        for (int i = 0; i < n; i++)
            if (memcmp(values + (size_t)i * value_size, prev_values + (size_t)i * value_size, value_size) != 0)
                changes++;
        return changes;
    }

    size_t words = ((size_t)p + 63) / 64;
    if (words > keyed_bit_words) {
        free(keyed_bits);
        keyed_bits = malloc(words * sizeof(uint64_t));
        if (!keyed_bits)
            return -ENOMEM;
        keyed_bit_words = words;
    }
    memset(keyed_bits, 0, words * sizeof(uint64_t));
    int indexed = 0, shift = 0, matched = 0;
    for (int i = 0, j = 0; i < n; i++) {
        const uint8_t *key = keys + (size_t)i * key_size;
        int k = j < p && memcmp(key, prev_keys + (size_t)j * key_size, key_size) == 0 ? j : -1;
        if (k < 0)
            k = keyed_find_near(prev_keys, key_size, key, j, p);
        if (k < 0) {
            if (!indexed) {
                int err = keyed_index_build(prev_keys, p, key_size, &shift);
                if (err)
                    return err;
                indexed = 1;
            }
            k = keyed_index_find(prev_keys, key_size, shift, key, keyed_slot_count);
        }
        if (k < 0) {
            changes++; // added
            continue;
        }
        uint64_t bit = 1ull << (k & 63);
        if (!(keyed_bits[k >> 6] & bit)) {
            keyed_bits[k >> 6] |= bit;
            matched++;
        }
        if (memcmp(values + (size_t)i * value_size, prev_values + (size_t)k * value_size, value_size) != 0)
            changes++; // updated
        j = k + 1;
    }
    if (matched < p) {
        for (int j = 0; j < p; j++)
            if (!(keyed_bits[j >> 6] & (1ull << (j & 63))))
                changes++; // removed
    }
    return changes;
}
