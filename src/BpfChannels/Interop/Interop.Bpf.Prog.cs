using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        internal const byte BPF_PSEUDO_MAP_FD = 1;

        /// <summary>BPF_PROG_LOAD (linux/bpf.h, 6.1 fields).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct bpf_attr_prog_load
        {
            public uint prog_type;
            public uint insn_cnt;
            public ulong insns;
            public ulong license;
            public uint log_level;
            public uint log_size;
            public ulong log_buf;
            public uint kern_version;
            public uint prog_flags;
            public fixed byte prog_name[BPF_OBJ_NAME_LEN];
            public uint prog_ifindex;
            public uint expected_attach_type;
            public uint prog_btf_fd;
            public uint func_info_rec_size;
            public ulong func_info;
            public uint func_info_cnt;
            public uint line_info_rec_size;
            public ulong line_info;
            public uint line_info_cnt;
            public uint attach_btf_id;
            public uint attach_prog_fd;
            public uint core_relo_cnt;
            public ulong fd_array;
            public ulong core_relos;
            public uint core_relo_rec_size;
        }

        /// <summary>BPF_PROG_TEST_RUN (the "test" member of union bpf_attr).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_test_run
        {
            public uint prog_fd;
            public uint retval;
            public uint data_size_in;
            public uint data_size_out;
            public ulong data_in;
            public ulong data_out;
            public uint repeat;
            public uint duration;
            public uint ctx_size_in;
            public uint ctx_size_out;
            public ulong ctx_in;
            public ulong ctx_out;
            public uint flags;
            public uint cpu;
            public uint batch_size;
        }
    }
}
