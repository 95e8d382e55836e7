using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        // One blittable struct per command family of union bpf_attr, laid out as in linux/bpf.h.
        // Each is zero-initialised by its caller (`default`), which the kernel requires of every byte
        // it does not understand. A test compiles a C program against the machine's headers and
        // compares the size and every field offset.

        /// <summary>BPF_MAP_CREATE.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct bpf_attr_map_create
        {
            public uint map_type;
            public uint key_size;
            public uint value_size;
            public uint max_entries;
            public uint map_flags;
            public uint inner_map_fd;
            public uint numa_node;
            public fixed byte map_name[BPF_OBJ_NAME_LEN];
            public uint map_ifindex;
            public uint btf_fd;
            public uint btf_key_type_id;
            public uint btf_value_type_id;
            public uint btf_vmlinux_value_type_id;
            public ulong map_extra;
        }

        /// <summary>BPF_MAP_*_ELEM and BPF_MAP_GET_NEXT_KEY (value and next_key share a slot).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_map_elem
        {
            public uint map_fd;
            private readonly uint _pad;
            public ulong key;
            public ulong value;
            public ulong flags;
        }

        /// <summary>BPF_MAP_*_BATCH.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_batch
        {
            public ulong in_batch;
            public ulong out_batch;
            public ulong keys;
            public ulong values;
            public uint count;
            public uint map_fd;
            public ulong elem_flags;
            public ulong flags;
        }

        /// <summary>BPF_OBJ_PIN and BPF_OBJ_GET.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_obj
        {
            public ulong pathname;
            public uint bpf_fd;
            public uint file_flags;
        }

        /// <summary>BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID (start_id, map_id, prog_id... share a slot).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_get_id
        {
            public uint start_id;
            public uint next_id;
            public uint open_flags;
        }

        /// <summary>BPF_OBJ_GET_INFO_BY_FD.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_info
        {
            public uint bpf_fd;
            public uint info_len;
            public ulong info;
        }

        /// <summary>BPF_MAP_FREEZE uses only map_fd of the element family.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_map_fd
        {
            public uint map_fd;
        }

        /// <summary>struct bpf_map_info (aligned to 8).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct bpf_map_info
        {
            public uint type;
            public uint id;
            public uint key_size;
            public uint value_size;
            public uint max_entries;
            public uint map_flags;
            public fixed byte name[BPF_OBJ_NAME_LEN];
            public uint ifindex;
            public uint btf_vmlinux_value_type_id;
            public ulong netns_dev;
            public ulong netns_ino;
            public uint btf_id;
            public uint btf_key_type_id;
            public uint btf_value_type_id;
            private readonly uint _pad;
            public ulong map_extra;
        }
    }
}
