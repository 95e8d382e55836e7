using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libbpf
    {
        /// <summary>struct bpf_usdt_opts (libbpf.h, 0.8). Zero-initialised; <see cref="sz"/> set by the caller.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_usdt_opts
        {
            public nuint sz;
            public ulong usdt_cookie;
        }

        /// <summary>struct bpf_kprobe_multi_opts (libbpf.h, 0.8). Zero-initialised; <see cref="sz"/> set by the caller.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_kprobe_multi_opts
        {
            public nuint sz;
            public byte** syms;
            public nuint* addrs;
            public ulong* cookies;
            public nuint cnt;
            public byte retprobe;
        }

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_usdt", SetLastError = true)]
        internal static partial nint bpf_program__attach_usdt(nint prog, int pid, byte* binary_path, byte* usdt_provider, byte* usdt_name, bpf_usdt_opts* opts);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_kprobe_multi_opts", SetLastError = true)]
        internal static partial nint bpf_program__attach_kprobe_multi_opts(nint prog, byte* pattern, bpf_kprobe_multi_opts* opts);

        /// <summary>1 when the kernel loads a trivial program of the type, 0 when it does not, -errno when the probe failed.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "libbpf_probe_bpf_prog_type")]
        internal static partial int libbpf_probe_bpf_prog_type(uint prog_type, void* opts);

        /// <summary>1 when the kernel creates a map of the type, 0 when it does not, -errno when the probe failed.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "libbpf_probe_bpf_map_type")]
        internal static partial int libbpf_probe_bpf_map_type(uint map_type, void* opts);

        /// <summary>1 when a program of the type may call the helper, 0 when not, -errno when the probe failed.</summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "libbpf_probe_bpf_helper")]
        internal static partial int libbpf_probe_bpf_helper(uint prog_type, uint helper_id, void* opts);
    }
}
