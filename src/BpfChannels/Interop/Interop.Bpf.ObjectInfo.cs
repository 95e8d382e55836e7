using System.Runtime.InteropServices;

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

        /// <summary>BPF_PROG_GET_NEXT_ID (4.13): the first program id above <paramref name="startId"/>; ENOENT after the last.</summary>
        internal static int ProgGetNextId(uint startId, out uint nextId) => GetNextId(BpfCommand.ProgGetNextId, startId, out nextId);

        /// <summary>BPF_LINK_GET_NEXT_ID (5.8): the first link id above <paramref name="startId"/>; ENOENT after the last.</summary>
        internal static int LinkGetNextId(uint startId, out uint nextId) => GetNextId(BpfCommand.LinkGetNextId, startId, out nextId);

        /// <summary>BPF_PROG_GET_FD_BY_ID (4.13).</summary>
        internal static int ProgGetFdById(uint id, out BpfHandle? program)
        {
            var attr = new bpf_attr_get_id { start_id = id };
            return CallForHandle(BpfCommand.ProgGetFdById, ref attr, out program);
        }

        /// <summary>BPF_LINK_GET_FD_BY_ID (5.8).</summary>
        internal static int LinkGetFdById(uint id, out BpfHandle? link)
        {
            var attr = new bpf_attr_get_id { start_id = id };
            return CallForHandle(BpfCommand.LinkGetFdById, ref attr, out link);
        }

        /// <summary>
        /// BPF_OBJ_GET_INFO_BY_FD for a program (4.13), twice: the counts, then the map ids and the BTF type id of the
        /// first func_info record (the main function, whose name is not cut at 15 characters).
        /// </summary>
        internal static unsafe int ProgGetInfo(SafeHandle program, out bpf_prog_info info, out uint[] mapIds, out uint functionTypeId)
        {
            info = default;
            mapIds = [];
            functionTypeId = 0;
            int errno = GetInfo(program, ref info);
            uint records = info.nr_func_info > 0 && info.func_info_rec_size == 8 ? 1u : 0u;
            if (errno != 0 || (info.nr_map_ids == 0 && records == 0))
            {
                return errno;
            }

            uint[] ids = new uint[info.nr_map_ids];
            ulong funcInfo = 0; // struct bpf_func_info { u32 insn_off; u32 type_id; }
            fixed (uint* p = ids)
            {
                bpf_prog_info more = default;
                more.nr_map_ids = (uint)ids.Length;
                more.map_ids = (ulong)p;
                more.nr_func_info = records;
                more.func_info_rec_size = records * 8;
                more.func_info = records > 0 ? (ulong)&funcInfo : 0;
                errno = GetInfo(program, ref more);
                mapIds = more.nr_map_ids < ids.Length ? ids[..(int)more.nr_map_ids] : ids;
            }

            functionTypeId = (uint)(funcInfo >> 32);
            return errno;
        }

        /// <summary>BPF_OBJ_GET_INFO_BY_FD for a link (5.8); a raw_tracepoint's or iterator's name comes back in <paramref name="name"/>.</summary>
        internal static unsafe int LinkGetInfo(SafeHandle link, out bpf_link_info info, out string name)
        {
            info = default;
            name = string.Empty;
            int errno = GetInfo(link, ref info);
            if (errno != 0 || info.type is not (1 or 4))
            {
                return errno;
            }

            // raw_tracepoint.tp_name and iter.target_name: a buffer pointer and its length at the union's start.
            byte* buffer = stackalloc byte[256];
            bpf_link_info named = default;
            *(ulong*)named.union = (ulong)buffer;
            *(uint*)(named.union + 8) = 256;
            errno = GetInfo(link, ref named);
            info = named;
            var bytes = new ReadOnlySpan<byte>(buffer, 256);
            name = System.Text.Encoding.UTF8.GetString(bytes[..Math.Max(0, bytes.IndexOf((byte)0))]);
            return errno;
        }

        private static int GetNextId(BpfCommand command, uint startId, out uint nextId)
        {
            var attr = new bpf_attr_get_id { start_id = startId };
            int errno = Call(command, ref attr);
            nextId = attr.next_id;
            return errno;
        }

        private static unsafe int GetInfo<T>(SafeHandle obj, ref T info)
            where T : unmanaged
        {
            using var lease = new HandleLease(obj);
            fixed (T* p = &info)
            {
                var attr = new bpf_attr_info { bpf_fd = (uint)lease.FileDescriptor, info_len = (uint)sizeof(T), info = (ulong)p };
                return Call(BpfCommand.ObjGetInfoByFd, ref attr);
            }
        }
    }
}
