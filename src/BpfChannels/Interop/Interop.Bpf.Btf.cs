using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>BPF_BTF_LOAD.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_btf_load
        {
            public ulong btf;
            public ulong btf_log_buf;
            public uint btf_size;
            public uint btf_log_size;
            public uint btf_log_level;
        }

        /// <summary>struct bpf_btf_info (aligned to 8).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_btf_info
        {
            public ulong btf;
            public uint btf_size;
            public uint id;
            public ulong name;
            public uint name_len;
            public uint kernel_btf;
        }

        internal const ushort BTF_MAGIC = 0xeB9F;
        internal const uint BTF_KIND_INT = 1;
        internal const uint BTF_INT_SIGNED = 1 << 0;
    }
}
