using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libbpf
    {
        /// <summary>struct bpf_uprobe_opts (libbpf.h, 1.1). Zero-initialised; <see cref="sz"/> set by the caller.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_uprobe_opts
        {
            public nuint sz;
            public nuint ref_ctr_offset;
            public ulong bpf_cookie;
            public byte retprobe;
            public byte* func_name;
        }

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_uprobe_opts", SetLastError = true)]
        internal static partial nint bpf_program__attach_uprobe_opts(nint prog, int pid, byte* binary_path, nuint func_offset, bpf_uprobe_opts* opts);
    }
}
