using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>enum bpf_attach_type: tcx ingress and egress (6.6; newer than the machine's 6.1 linux/bpf.h).</summary>
        internal const uint BPF_TCX_INGRESS = 46;
        internal const uint BPF_TCX_EGRESS = 47;

        /// <summary>
        /// BPF_LINK_CREATE with the tcx member of its union (6.6), which lies where the older "tracing" member
        /// (target_btf_id, cookie) does; the layout test checks it against that member.
        /// </summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_link_create
        {
            public uint prog_fd;
            public uint target_ifindex;
            public uint attach_type;
            public uint flags;
            public uint relative_fd;
            private readonly uint _pad;
            public ulong expected_revision;
        }

        /// <summary>BPF_RAW_TRACEPOINT_OPEN (the "raw_tracepoint" member of union bpf_attr).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_raw_tracepoint
        {
            public ulong name;
            public uint prog_fd;
        }
    

        /// <summary>BPF_RAW_TRACEPOINT_OPEN (4.17): attaches <paramref name="program"/> to the raw tracepoint <paramref name="name"/>.</summary>
        internal static unsafe int RawTracepointOpen(SafeHandle program, string name, out BpfHandle? link)
        {
            using var lease = new HandleLease(program);
            fixed (byte* p = NullTerminated(name))
            {
                var attr = new bpf_attr_raw_tracepoint { name = (ulong)p, prog_fd = (uint)lease.FileDescriptor };
                return CallForHandle(BpfCommand.RawTracepointOpen, ref attr, out link);
            }
        }

        /// <summary>BPF_LINK_CREATE of a tcx link (6.6) on the ingress or egress of an interface.</summary>
        internal static int LinkCreateTcx(SafeHandle program, int interfaceIndex, bool egress, out BpfHandle? link)
        {
            using var lease = new HandleLease(program);
            uint attachType = egress ? BPF_TCX_EGRESS : BPF_TCX_INGRESS;
            var attr = new bpf_attr_link_create { prog_fd = (uint)lease.FileDescriptor, target_ifindex = (uint)interfaceIndex, attach_type = attachType };
            return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
        }
    }
}
