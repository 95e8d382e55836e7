using System.Runtime.InteropServices;

namespace BpfChannels.Interop;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>BPF_RAW_TRACEPOINT_OPEN (the "raw_tracepoint" member of union bpf_attr).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_raw_tracepoint
        {
            public ulong name;
            public uint prog_fd;
        }
    }
}
