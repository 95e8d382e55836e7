using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>enum bpf_attach_type values used by descriptor-based attachment.</summary>
        internal const uint BPF_CGROUP_INET_INGRESS = 0;
        internal const uint BPF_CGROUP_INET_EGRESS = 1;
        internal const uint BPF_CGROUP_INET_SOCK_CREATE = 2;
        internal const uint BPF_CGROUP_SOCK_OPS = 3;
        internal const uint BPF_CGROUP_DEVICE = 6;
        internal const uint BPF_CGROUP_INET4_BIND = 8;
        internal const uint BPF_CGROUP_INET4_CONNECT = 10;
        internal const uint BPF_CGROUP_SYSCTL = 18;
        internal const uint BPF_TRACE_ITER = 28;
        internal const uint BPF_XDP = 37;
        internal const uint BPF_PERF_EVENT = 41;
        internal const uint BPF_TRACE_KPROBE_MULTI = 42;

        /// <summary>BPF_LINK_CREATE with a target descriptor and no extra member (cgroup, netns...).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_link_create_target
        {
            public uint prog_fd;
            public uint target_fd;
            public uint attach_type;
            public uint flags;
        }

        /// <summary>BPF_LINK_CREATE for a BPF iterator (5.8): iter_info points at a union bpf_iter_link_info.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_link_create_iter
        {
            public uint prog_fd;
            public uint target_fd;
            public uint attach_type;
            public uint flags;
            public ulong iter_info;
            public uint iter_info_len;
            private readonly uint _pad;
        }

        /// <summary>BPF_LINK_CREATE for a perf event (5.15): target_fd is the perf event's descriptor.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_link_create_perf_event
        {
            public uint prog_fd;
            public uint target_fd;
            public uint attach_type;
            public uint flags;
            public ulong bpf_cookie;
        }

        /// <summary>union bpf_iter_link_info (5.9): the map of a map iterator, the cgroup or task of those iterators.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 16)]
        internal struct bpf_iter_link_info
        {
            [FieldOffset(0)]
            public uint map_fd;

            [FieldOffset(0)]
            public uint cgroup_order;

            [FieldOffset(4)]
            public uint cgroup_fd;

            [FieldOffset(8)]
            public ulong cgroup_id;

            [FieldOffset(0)]
            public uint task_tid;

            [FieldOffset(4)]
            public uint task_pid;

            [FieldOffset(8)]
            public uint task_pid_fd;
        }

        /// <summary>BPF_ITER_CREATE (5.8).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_iter_create
        {
            public uint link_fd;
            public uint flags;
        }

        /// <summary>BPF_LINK_CREATE with a target descriptor (a cgroup directory, for example) and an attach type.</summary>
        internal static int LinkCreate(SafeHandle program, SafeHandle target, uint attachType, out BpfHandle? link)
        {
            using var programLease = new HandleLease(program);
            using var targetLease = new HandleLease(target);
            var attr = new bpf_attr_link_create_target
            {
                prog_fd = (uint)programLease.FileDescriptor,
                target_fd = (uint)targetLease.FileDescriptor,
                attach_type = attachType,
            };
            return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
        }

        /// <summary>BPF_LINK_CREATE of an XDP link (5.9) on an interface, with XDP_FLAGS_* (0: the driver's mode where it has one).</summary>
        internal static int LinkCreateXdp(SafeHandle program, int interfaceIndex, out BpfHandle? link, uint flags = 0)
        {
            using var lease = new HandleLease(program);
            var attr = new bpf_attr_link_create_target { prog_fd = (uint)lease.FileDescriptor, target_fd = (uint)interfaceIndex, attach_type = BPF_XDP, flags = flags };
            return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
        }

        /// <summary>BPF_LINK_CREATE of an iterator link (BPF_TRACE_ITER); <paramref name="info"/> is passed only when it is not all zero.</summary>
        /// <remarks>The map or cgroup descriptor inside <paramref name="info"/> must be kept alive by the caller.</remarks>
        internal static unsafe int LinkCreateIterator(SafeHandle program, in bpf_iter_link_info info, bool withInfo, out BpfHandle? link)
        {
            using var lease = new HandleLease(program);
            fixed (bpf_iter_link_info* p = &info)
            {
                var attr = new bpf_attr_link_create_iter
                {
                    prog_fd = (uint)lease.FileDescriptor,
                    attach_type = BPF_TRACE_ITER,
                    iter_info = withInfo ? (ulong)p : 0,
                    iter_info_len = withInfo ? (uint)sizeof(bpf_iter_link_info) : 0,
                };
                return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
            }
        }

        /// <summary>BPF_LINK_CREATE of a perf event link (BPF_PERF_EVENT, 5.15).</summary>
        internal static int LinkCreatePerfEvent(SafeHandle program, SafeHandle perfEvent, ulong cookie, out BpfHandle? link)
        {
            using var programLease = new HandleLease(program);
            using var eventLease = new HandleLease(perfEvent);
            var attr = new bpf_attr_link_create_perf_event
            {
                prog_fd = (uint)programLease.FileDescriptor,
                target_fd = (uint)eventLease.FileDescriptor,
                attach_type = BPF_PERF_EVENT,
                bpf_cookie = cookie,
            };
            return CallForHandle(BpfCommand.LinkCreate, ref attr, out link);
        }

        /// <summary>BPF_ITER_CREATE: a new readable descriptor that runs the iterator of <paramref name="link"/> once.</summary>
        internal static int IterCreate(SafeHandle link, out BpfHandle? iterator)
        {
            using var lease = new HandleLease(link);
            var attr = new bpf_attr_iter_create { link_fd = (uint)lease.FileDescriptor };
            return CallForHandle(BpfCommand.IterCreate, ref attr, out iterator);
        }
    }
}
