using System.Runtime.InteropServices;

namespace BpfChannels.Interop;

internal static partial class Interop
{
    internal static partial class Bpf
    {
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
