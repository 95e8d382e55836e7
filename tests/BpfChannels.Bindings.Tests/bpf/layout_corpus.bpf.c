/* A corpus of C types whose layout the generated C# must reproduce byte for byte: padding, packing, alignment,
 * anonymous members, arrays of structs, 2-D arrays, enums of every size, bitfields, typedef chains, char arrays,
 * and names that clash once converted. Every type is reachable from a map or a global, so it is in the BTF. */
#include "bpfchannels.h"

typedef __u32 u32_t;
typedef u32_t id_t2;
typedef id_t2 final_id;

enum __attribute__((packed)) tiny { TINY_A, TINY_B = 200 };
enum __attribute__((packed)) small { SMALL_A = -1, SMALL_B = 30000 };
enum regular { REG_ONE = 1, REG_NEG = -5 };
enum big { BIG_A = 1, BIG_B = 0x100000000ULL };

struct padded {
	char c;
	__u64 wide;
	__u16 half;
};

struct __attribute__((packed)) packed {
	char c;
	__u64 wide;
	__u16 half;
};

struct aligned {
	__u8 first;
	__u32 later __attribute__((aligned(16)));
} __attribute__((aligned(32)));

struct point {
	__s32 x, y;
};

struct nested {
	__u32 kind;
	union {
		__u64 as_u64;
		struct {
			__u32 lo;
			__u32 hi;
		};
		__u8 bytes[8];
	};
	struct {
		__u16 a;
		__u8 b;
	} named_inner;
	struct point points[3];
	__s16 grid[3][4];
	char name[12];
	final_id id;
	void *pointer;
};

struct bits {
	__u32 flag : 1;
	__s32 delta : 5;
	__u32 wide : 20;
	__u64 huge : 40;
	__s64 neg : 23;
	enum tiny t : 8;
	__u8 tail;
};

union either {
	__u32 as_int;
	float as_float;
	struct point as_point;
	char text[5];
};

struct clash {
	__u32 clash;
	__u32 foo_bar;
	__u32 fooBar;
	__u32 class;
	__u32 string;
	__u32 _1st;
};

struct unused_but_asked {
	__u64 only_in_types;
	enum regular r;
};

struct lpm_v4 {
	__u32 prefixlen;
	__u32 addr;
};

struct everything {
	struct padded padded;
	struct packed packed;
	struct aligned aligned;
	struct nested nested;
	struct bits bits;
	union either either;
	struct clash clash;
	enum tiny tiny;
	enum small small;
	enum regular regular;
	enum big big;
	double d;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct point);
	__type(value, struct everything);
} everything_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4);
	__type(value, __u32);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, struct point);
} points_queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct padded);
} mapped SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct {
		__u32 anonymous_value;
		__u16 small;
	});
} anon_values SEC(".maps");

/* Only a pointer reaches it, so only the Types metadata generates it. */
struct unused_but_asked *asked_pointer;
struct bits global_bits;
union either global_either;
struct point global_grid[2][3];
const volatile __u32 config_limit = 7;
__u64 data_counter = 1;
__u64 named_section_value SEC(".data.extra") = 3;

SEC("syscall")
int touch(void *ctx)
{
	struct point key = { 1, 2 };
	struct everything *e = bpf_map_lookup_elem(&everything_map, &key);
	if (e)
		e->tiny = TINY_B;
	global_bits.tail = (__u8)config_limit;
	data_counter++;
	named_section_value++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
