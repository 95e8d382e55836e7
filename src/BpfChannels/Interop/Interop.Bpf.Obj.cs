using System.Runtime.InteropServices;
using System.Text;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>BPF_OBJ_PIN: pins the map, program or link behind <paramref name="obj"/> at <paramref name="path"/> on bpffs.</summary>
        internal static unsafe int ObjPin(SafeHandle obj, string path)
        {
            using var lease = new HandleLease(obj);
            fixed (byte* p = NullTerminated(path))
            {
                var attr = new bpf_attr_obj { pathname = (ulong)p, bpf_fd = (uint)lease.FileDescriptor };
                return Call(BpfCommand.ObjPin, ref attr);
            }
        }

        /// <summary>BPF_OBJ_GET: opens the object pinned at <paramref name="path"/> with BPF_F_RDONLY, BPF_F_WRONLY or 0.</summary>
        internal static unsafe int ObjGet(string path, uint fileFlags, out BpfHandle? obj)
        {
            fixed (byte* p = NullTerminated(path))
            {
                var attr = new bpf_attr_obj { pathname = (ulong)p, file_flags = fileFlags };
                return CallForHandle(BpfCommand.ObjGet, ref attr, out obj);
            }
        }

        /// <summary>BPF_MAP_GET_NEXT_ID (4.13): the first map id above <paramref name="startId"/>; ENOENT after the last.</summary>
        internal static int MapGetNextId(uint startId, out uint nextId)
        {
            var attr = new bpf_attr_get_id { start_id = startId };
            int errno = Call(BpfCommand.MapGetNextId, ref attr);
            nextId = attr.next_id;
            return errno;
        }

        /// <summary>BPF_MAP_GET_FD_BY_ID (4.13) with open_flags BPF_F_RDONLY, BPF_F_WRONLY or 0.</summary>
        internal static int MapGetFdById(uint id, uint openFlags, out BpfHandle? map)
        {
            var attr = new bpf_attr_get_id { start_id = id, open_flags = openFlags };
            return CallForHandle(BpfCommand.MapGetFdById, ref attr, out map);
        }

        /// <summary>BPF_BTF_GET_FD_BY_ID (5.0).</summary>
        internal static int BtfGetFdById(uint id, out BpfHandle? btf)
        {
            var attr = new bpf_attr_get_id { start_id = id };
            return CallForHandle(BpfCommand.BtfGetFdById, ref attr, out btf);
        }

        /// <summary>BPF_OBJ_GET_INFO_BY_FD for a map (4.13).</summary>
        internal static unsafe int MapGetInfo(SafeHandle map, out bpf_map_info info)
        {
            using var lease = new HandleLease(map);
            info = default;
            fixed (bpf_map_info* p = &info)
            {
                var attr = new bpf_attr_info { bpf_fd = (uint)lease.FileDescriptor, info_len = (uint)sizeof(bpf_map_info), info = (ulong)p };
                return Call(BpfCommand.ObjGetInfoByFd, ref attr);
            }
        }

        /// <summary>The name in a map's info, without its NUL padding.</summary>
        internal static unsafe string MapInfoName(in bpf_map_info info)
        {
            fixed (byte* name = info.name)
            {
                return Encoding.ASCII.GetString(new ReadOnlySpan<byte>(name, BPF_OBJ_NAME_LEN)).TrimEnd('\0');
            }
        }

        /// <summary>
        /// BPF_OBJ_GET_INFO_BY_FD for a BTF object (5.0): copies as much of its raw data as <paramref name="data"/> holds
        /// (nothing when empty) and reports the full size in <paramref name="size"/>.
        /// </summary>
        internal static unsafe int BtfGetInfo(SafeHandle btf, Span<byte> data, out uint size)
        {
            using var lease = new HandleLease(btf);
            fixed (byte* p = data)
            {
                var info = new bpf_btf_info { btf = (ulong)p, btf_size = (uint)data.Length };
                var attr = new bpf_attr_info { bpf_fd = (uint)lease.FileDescriptor, info_len = (uint)sizeof(bpf_btf_info), info = (ulong)&info };
                int errno = Call(BpfCommand.ObjGetInfoByFd, ref attr);
                size = info.btf_size;
                return errno;
            }
        }

        /// <summary>BPF_BTF_LOAD (4.18); with a non-empty <paramref name="log"/>, the kernel explains a rejection there.</summary>
        internal static unsafe int BtfLoad(ReadOnlySpan<byte> rawBtf, Span<byte> log, out BpfHandle? btf)
        {
            fixed (byte* b = rawBtf)
            fixed (byte* l = log)
            {
                var attr = new bpf_attr_btf_load
                {
                    btf = (ulong)b,
                    btf_size = (uint)rawBtf.Length,
                    btf_log_buf = (ulong)l,
                    btf_log_size = (uint)log.Length,
                    btf_log_level = log.IsEmpty ? 0u : 1u,
                };
                return CallForHandle(BpfCommand.BtfLoad, ref attr, out btf);
            }
        }

        private static byte[] NullTerminated(string text)
        {
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            _ = Encoding.UTF8.GetBytes(text, bytes);
            return bytes;
        }
    }
}
