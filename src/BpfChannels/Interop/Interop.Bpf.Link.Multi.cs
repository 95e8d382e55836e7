using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>enum bpf_attach_type values of BTF-targeted programs and of links newer than the machine's 6.1 linux/bpf.h.</summary>
        internal const uint BPF_TRACE_RAW_TP = 23;
        internal const uint BPF_TRACE_FENTRY = 24;
        internal const uint BPF_TRACE_FEXIT = 25;
        internal const uint BPF_LSM_MAC = 27;
        internal const uint BPF_TRACE_UPROBE_MULTI = 48;
        internal const uint BPF_NETKIT_PRIMARY = 54;

        /// <summary>BPF_LINK_CREATE with the kprobe_multi member of its union (5.18).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_link_create_kprobe_multi
        {
            public uint prog_fd;
            public uint target_fd;
            public uint attach_type;
            public uint flags;
            public uint kprobe_multi_flags;
            public uint cnt;
            public ulong syms;
            public ulong addrs;
            public ulong cookies;
        }

        /// <summary>
        /// BPF_LINK_CREATE with the uprobe_multi member of its union (6.6: path, offsets, ref_ctr_offsets, cookies,
        /// cnt, flags, pid), which the machine's 6.1 linux/bpf.h does not have; laid out as in the 6.6 header.
        /// </summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_link_create_uprobe_multi
        {
            public uint prog_fd;
            public uint target_fd;
            public uint attach_type;
            public uint flags;
            public ulong path;
            public ulong offsets;
            public ulong ref_ctr_offsets;
            public ulong cookies;
            public uint cnt;
            public uint uprobe_multi_flags;
            public uint pid;
            private readonly uint _pad;
        }

        /// <summary>BPF_LINK_CREATE of a multi-kprobe link (BPF_TRACE_KPROBE_MULTI, 5.18) on the kernel functions named <paramref name="symbols"/>.</summary>
        internal static unsafe int LinkCreateKprobeMulti(SafeHandle program, string[] symbols, bool isReturnProbe, out BpfHandle? link)
        {
            using var lease = new HandleLease(program);
            byte[][] names = Array.ConvertAll(symbols, NullTerminated);
            var handles = new GCHandle[names.Length];
            nint[] pointers = new nint[names.Length];
            try
            {
                for (int i = 0; i < names.Length; i++)
                {
                    handles[i] = GCHandle.Alloc(names[i], GCHandleType.Pinned);
                    pointers[i] = handles[i].AddrOfPinnedObject();
                }

                fixed (nint* syms = pointers)
                {
                    var attr = new bpf_attr_link_create_kprobe_multi
                    {
                        prog_fd = (uint)lease.FileDescriptor,
                        attach_type = BPF_TRACE_KPROBE_MULTI,
                        kprobe_multi_flags = isReturnProbe ? 1u : 0u, // BPF_F_KPROBE_MULTI_RETURN
                        cnt = (uint)names.Length,
                        syms = (ulong)syms,
                    };
                    return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
                }
            }
            finally
            {
                foreach (GCHandle handle in handles)
                {
                    if (handle.IsAllocated)
                    {
                        handle.Free();
                    }
                }
            }
        }

        /// <summary>BPF_LINK_CREATE of a multi-uprobe link (BPF_TRACE_UPROBE_MULTI, 6.6) at one offset of the file <paramref name="path"/>.</summary>
        internal static unsafe int LinkCreateUprobeMulti(SafeHandle program, string path, ulong offset, out BpfHandle? link)
        {
            using var lease = new HandleLease(program);
            fixed (byte* p = NullTerminated(path))
            {
                var attr = new bpf_attr_link_create_uprobe_multi
                {
                    prog_fd = (uint)lease.FileDescriptor,
                    attach_type = BPF_TRACE_UPROBE_MULTI,
                    path = (ulong)p,
                    offsets = (ulong)&offset,
                    cnt = 1,
                };
                return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
            }
        }

        /// <summary>BPF_LINK_CREATE of a netkit link (BPF_NETKIT_PRIMARY, 6.7) on the primary device of a netkit pair.</summary>
        internal static int LinkCreateNetkit(SafeHandle program, int interfaceIndex, out BpfHandle? link)
        {
            using var lease = new HandleLease(program);
            var attr = new bpf_attr_link_create { prog_fd = (uint)lease.FileDescriptor, target_ifindex = (uint)interfaceIndex, attach_type = BPF_NETKIT_PRIMARY };
            return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
        }
    }
}
