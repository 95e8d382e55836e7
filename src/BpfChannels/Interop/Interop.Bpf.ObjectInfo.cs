using System.Runtime.InteropServices;
using System.Text;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        internal const int BPF_TAG_SIZE = 8;

        /// <summary>struct bpf_prog_info (linux/bpf.h), aligned to 8.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct bpf_prog_info
        {
            public uint type;
            public uint id;
            public fixed byte tag[BPF_TAG_SIZE];
            public uint jited_prog_len;
            public uint xlated_prog_len;
            public ulong jited_prog_insns;
            public ulong xlated_prog_insns;
            public ulong load_time;
            public uint created_by_uid;
            public uint nr_map_ids;
            public ulong map_ids;
            public fixed byte name[BPF_OBJ_NAME_LEN];
            public uint ifindex;
            public uint gpl_compatible;
            public ulong netns_dev;
            public ulong netns_ino;
            public uint nr_jited_ksyms;
            public uint nr_jited_func_lens;
            public ulong jited_ksyms;
            public ulong jited_func_lens;
            public uint btf_id;
            public uint func_info_rec_size;
            public ulong func_info;
            public uint nr_func_info;
            public uint nr_line_info;
            public ulong line_info;
            public ulong jited_line_info;
            public uint nr_jited_line_info;
            public uint line_info_rec_size;
            public uint jited_line_info_rec_size;
            public uint nr_prog_tags;
            public ulong prog_tags;
            public ulong run_time_ns;
            public ulong run_cnt;
            public ulong recursion_misses;
            public uint verified_insns;
            public uint attach_btf_obj_id;
            public uint attach_btf_id;
            private readonly uint _pad;
        }

        /// <summary>struct bpf_link_info: the common head, then the per-type union read by offset (<see cref="LinkUnionSize"/> bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct bpf_link_info
        {
            public uint type;
            public uint id;
            public uint prog_id;
            private readonly uint _pad;
            public fixed byte union[LinkUnionSize];
        }

        internal const int LinkUnionSize = 48;

        /// <summary>BPF_PROG_GET_NEXT_ID or BPF_LINK_GET_NEXT_ID: the next id after <paramref name="start"/>; ENOENT past the last.</summary>
        internal static int GetNextId(bpf_cmd command, uint start, out uint next)
        {
            var attr = new bpf_attr_get_id { start_id = start };
            int result = Call(command, ref attr);
            next = attr.next_id;
            return result < 0 ? -result : 0;
        }

        /// <summary>BPF_PROG_GET_FD_BY_ID or BPF_LINK_GET_FD_BY_ID: a descriptor of the object with that id.</summary>
        internal static int GetFdById(bpf_cmd command, uint id, out BpfHandle? handle)
        {
            var attr = new bpf_attr_get_id { start_id = id };
            int fd = Call(command, ref attr);
            handle = fd < 0 ? null : new BpfHandle(fd);
            return fd < 0 ? -fd : 0;
        }

        /// <summary>BPF_OBJ_GET_INFO_BY_FD into <paramref name="info"/>, keeping <paramref name="handle"/> alive across the call.</summary>
        internal static unsafe int ObjGetInfoByFd<T>(BpfHandle handle, ref T info)
            where T : unmanaged
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                fixed (T* p = &info)
                {
                    var attr = new bpf_attr_info { bpf_fd = (uint)handle.FileDescriptor, info_len = (uint)sizeof(T), info = (ulong)p };
                    int result = Call(bpf_cmd.BPF_OBJ_GET_INFO_BY_FD, ref attr);
                    return result < 0 ? -result : 0;
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>BPF_OBJ_GET: a descriptor of whatever is pinned at <paramref name="path"/>.</summary>
        internal static unsafe int ObjGet(string path, out BpfHandle? handle)
        {
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
            _ = Encoding.UTF8.GetBytes(path, bytes);
            fixed (byte* p = bytes)
            {
                var attr = new bpf_attr_obj { pathname = (ulong)p };
                int fd = Call(bpf_cmd.BPF_OBJ_GET, ref attr);
                handle = fd < 0 ? null : new BpfHandle(fd);
                return fd < 0 ? -fd : 0;
            }
        }
    }
}
