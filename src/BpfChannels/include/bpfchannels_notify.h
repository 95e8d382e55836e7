/* Change notices for BpfChannels' notified map channels (docs/notified-channels.md).
 *
 * A program that changes a watched map through these wrappers publishes a compact notice of each change
 * to a change ring; a map channel in notified mode reads just the keys it is told about instead of
 * re-reading the whole map. Works in both worlds: include it after "bpfchannels.h" (plain uapi headers)
 * or after vmlinux.h and <bpf/bpf_helpers.h> (the libbpf way). "bpfchannels.h" includes it already.
 *
 *   BPFCHAN_CHANGES(256 * 1024);                   once per object, at file scope: the ring and its lost counter
 *   bpfchan_update(counts, &key, &value, BPF_ANY);  bpf_map_update_elem, then a notice if it succeeded
 *   bpfchan_delete(counts, &key);                   bpf_map_delete_elem, then a notice if it succeeded
 *   bpfchan_touch(counts, &key);                    a notice only: the value was changed in place through
 *                                                   the pointer bpf_map_lookup_elem returned
 *
 * The first argument is the map variable itself (not a pointer to it): its name, as written, gives the
 * notice's tag. The key's size is sizeof(*key) at each call site, so every reserve has a constant size.
 *
 * Where two watched maps' names hash to the same tag, or a map is renamed in the source while user space
 * keeps watching it under its old tag, give the tag explicitly (any __u32 both sides agree on) and set the
 * same value as MapChannelOptions.NoticeTag on the channel:
 *   bpfchan_update_tagged(counts, 7, &key, &value, BPF_ANY);
 *   bpfchan_delete_tagged(counts, 7, &key);
 *   bpfchan_touch_tagged(counts, 7, &key);
 *
 * Record format (little-endian, as the CPU writes it), one ring record per notice:
 *   offset 0  __u32 tag       FNV-1a (32-bit) of the map's name, at most its first 15 bytes (the kernel's
 *                             BPF_OBJ_NAME_LEN - 1), so user space computes it from the map's kernel name
 *   offset 4  __u8  kind      BPFCHAN_NOTICE_UPDATE (1), BPFCHAN_NOTICE_DELETE (2), BPFCHAN_NOTICE_TOUCH (3)
 *   offset 5  __u8  reserved  0
 *   offset 6  __u16 key_size  the number of key bytes that follow
 *   offset 8  key bytes
 * A notice says only which key changed: the reader looks the key up, so notices of one key coalesce and a
 * notice that arrives after the change it reports was already seen produces nothing.
 *
 * Nothing is lost silently: when the ring has no room, the wrapper adds 1 to bpfchan_lost[0] (a __u64,
 * only ever increased) instead, and the reader re-reads the whole map when it sees the counter move.
 * Kernel 5.8 (BPF_MAP_TYPE_RINGBUF). */
#ifndef BPFCHANNELS_NOTIFY_H
#define BPFCHANNELS_NOTIFY_H

#define BPFCHAN_NOTICE_UPDATE 1
#define BPFCHAN_NOTICE_DELETE 2
#define BPFCHAN_NOTICE_TOUCH 3

/* The largest key a notice carries; a bigger key is a compile-time error at the call site. */
#ifndef BPFCHAN_MAX_KEY_SIZE
#define BPFCHAN_MAX_KEY_SIZE 512
#endif

struct bpfchan_notice {
	__u32 tag;
	__u8 kind;
	__u8 reserved;
	__u16 key_size;
	__u8 key[];
};

/* Declares the change ring (bpfchan_changes, ring_bytes a power of two and a multiple of the page size)
 * and the lost-notice counter (bpfchan_lost) user space reads. Once per object, at file scope. */
#define BPFCHAN_CHANGES(ring_bytes)                                                   \
	struct {                                                                      \
		__uint(type, BPF_MAP_TYPE_RINGBUF);                                   \
		__uint(max_entries, ring_bytes);                                      \
	} bpfchan_changes SEC(".maps");                                               \
	struct {                                                                      \
		__uint(type, BPF_MAP_TYPE_ARRAY);                                     \
		__uint(max_entries, 1);                                               \
		__type(key, __u32);                                                   \
		__type(value, __u64);                                                 \
	} bpfchan_lost SEC(".maps")

/* FNV-1a over at most the first 15 bytes of a name; with a string literal clang -O2 folds it to a constant. */
static __always_inline __u32 __bpfchan_tag(const char *name, __u32 length)
{
	__u32 hash = 2166136261u;
#pragma unroll
	for (int i = 0; i < 15; i++) {
		if (i >= length)
			break;
		hash = (hash ^ (__u8)name[i]) * 16777619u;
	}
	return hash;
}

#define BPFCHAN_TAG(map) __bpfchan_tag(#map, sizeof(#map) - 1)

/* Publishes one notice; on a full ring counts it as lost. key_size is a constant after inlining. */
static __always_inline void __bpfchan_publish(void *ring, void *lost, __u32 tag, __u8 kind, const void *key, __u32 key_size)
{
	struct bpfchan_notice *notice = bpf_ringbuf_reserve(ring, sizeof(struct bpfchan_notice) + key_size, 0);
	if (!notice) {
		__u32 zero = 0;
		__u64 *count = bpf_map_lookup_elem(lost, &zero);
		if (count)
			__sync_fetch_and_add(count, 1);
		return;
	}
	notice->tag = tag;
	notice->kind = kind;
	notice->reserved = 0;
	notice->key_size = key_size;
	__builtin_memcpy(notice->key, key, key_size);
	bpf_ringbuf_submit(notice, 0);
}

#define __BPFCHAN_CHECK_KEY(key) \
	_Static_assert(sizeof(*(key)) <= BPFCHAN_MAX_KEY_SIZE, "bpfchan: the key is larger than BPFCHAN_MAX_KEY_SIZE")

/* bpf_map_update_elem(&map, key, value, flags); on success, an update notice tagged tag. Returns the helper's result. */
#define bpfchan_update_tagged(map, tag, key, value, flags)                                                  \
	({                                                                                                  \
		__BPFCHAN_CHECK_KEY(key);                                                                   \
		long __bpfchan_ret = bpf_map_update_elem(&(map), (key), (value), (flags));                  \
		if (__bpfchan_ret == 0)                                                                     \
			__bpfchan_publish(&bpfchan_changes, &bpfchan_lost, (tag), BPFCHAN_NOTICE_UPDATE,     \
					  (key), sizeof(*(key)));                                           \
		__bpfchan_ret;                                                                              \
	})

/* bpf_map_delete_elem(&map, key); on success, a delete notice tagged tag. Returns the helper's result. */
#define bpfchan_delete_tagged(map, tag, key)                                                                \
	({                                                                                                  \
		__BPFCHAN_CHECK_KEY(key);                                                                   \
		long __bpfchan_ret = bpf_map_delete_elem(&(map), (key));                                    \
		if (__bpfchan_ret == 0)                                                                     \
			__bpfchan_publish(&bpfchan_changes, &bpfchan_lost, (tag), BPFCHAN_NOTICE_DELETE,     \
					  (key), sizeof(*(key)));                                           \
		__bpfchan_ret;                                                                              \
	})

/* A touch notice tagged tag for a value changed in place (through the pointer from bpf_map_lookup_elem). */
#define bpfchan_touch_tagged(map, tag, key)                                                                 \
	({                                                                                                  \
		__BPFCHAN_CHECK_KEY(key);                                                                   \
		(void)&(map);                                                                               \
		__bpfchan_publish(&bpfchan_changes, &bpfchan_lost, (tag), BPFCHAN_NOTICE_TOUCH, (key),       \
				  sizeof(*(key)));                                                          \
	})

/* bpf_map_update_elem(&map, key, value, flags); on success, an update notice. Returns the helper's result. */
#define bpfchan_update(map, key, value, flags) bpfchan_update_tagged(map, BPFCHAN_TAG(map), key, value, flags)

/* bpf_map_delete_elem(&map, key); on success, a delete notice. Returns the helper's result. */
#define bpfchan_delete(map, key) bpfchan_delete_tagged(map, BPFCHAN_TAG(map), key)

/* A touch notice for a value changed in place (through the pointer from bpf_map_lookup_elem). */
#define bpfchan_touch(map, key) bpfchan_touch_tagged(map, BPFCHAN_TAG(map), key)

#endif
