using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libbpf
    {
        internal const int BPF_TC_INGRESS = 1 << 0;
        internal const int BPF_TC_EGRESS = 1 << 1;

        /// <summary>struct bpf_tc_hook (libbpf.h, 0.4+). Zero-initialised; <see cref="sz"/> set by the caller.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_tc_hook
        {
            public nuint sz;
            public int ifindex;
            public int attach_point;
            public uint parent;
        }

        /// <summary>struct bpf_tc_opts (libbpf.h, 0.4+). Zero-initialised; <see cref="sz"/> set by the caller.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_tc_opts
        {
            public nuint sz;
            public int prog_fd;
            public uint flags;
            public uint prog_id;
            public uint handle;
            public uint priority;
        }

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_tc_hook_create")]
        internal static partial int bpf_tc_hook_create(bpf_tc_hook* hook);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_tc_attach")]
        internal static partial int bpf_tc_attach(bpf_tc_hook* hook, bpf_tc_opts* opts);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_tc_detach")]
        internal static partial int bpf_tc_detach(bpf_tc_hook* hook, bpf_tc_opts* opts);
    }
}
