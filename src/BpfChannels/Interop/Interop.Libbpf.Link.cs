using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libbpf
    {
        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach", SetLastError = true)]
        internal static partial nint bpf_program__attach(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_raw_tracepoint", SetLastError = true)]
        internal static partial nint bpf_program__attach_raw_tracepoint(nint prog, byte* tp_name);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_tracepoint", SetLastError = true)]
        internal static partial nint bpf_program__attach_tracepoint(nint prog, byte* tp_category, byte* tp_name);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_trace", SetLastError = true)]
        internal static partial nint bpf_program__attach_trace(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__attach_xdp", SetLastError = true)]
        internal static partial nint bpf_program__attach_xdp(nint prog, int ifindex);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_link__fd")]
        internal static partial int bpf_link__fd(nint link);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_link__pin")]
        internal static partial int bpf_link__pin(nint link, byte* path);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_link__destroy")]
        internal static partial int bpf_link__destroy(nint link);
    }
}
