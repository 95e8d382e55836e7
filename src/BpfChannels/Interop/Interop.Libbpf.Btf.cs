using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static unsafe partial class Libbpf
    {
        internal const uint BTF_KIND_VAR = 14;
        internal const uint BTF_KIND_DATASEC = 15;

        /// <summary>struct btf_type (linux/btf.h); <see cref="size_or_type"/> is the union of size and type.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct btf_type
        {
            public uint name_off;
            public uint info;
            public uint size_or_type;
        }

        /// <summary>struct btf_var_secinfo (linux/btf.h): one variable of a DATASEC, following its btf_type.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct btf_var_secinfo
        {
            public uint type;
            public uint offset;
            public uint size;
        }

        [LibraryImport(Libraries.Libbpf, EntryPoint = "btf__find_by_name_kind")]
        internal static partial int btf__find_by_name_kind(nint btf, byte* type_name, uint kind);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "btf__type_by_id")]
        internal static partial btf_type* btf__type_by_id(nint btf, uint id);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "btf__name_by_offset")]
        internal static partial byte* btf__name_by_offset(nint btf, uint offset);

        /// <summary>
        /// The vmlinux BTF id of the attach target <paramref name="name"/> for <paramref name="attach_type"/>, with the prefix
        /// libbpf adds for that type (btf_trace_ for tp_btf, bpf_lsm_ for LSM, bpf_iter_ for iterators), or -errno.
        /// </summary>
        [LibraryImport(Libraries.Libbpf, EntryPoint = "libbpf_find_vmlinux_btf_id")]
        internal static partial int libbpf_find_vmlinux_btf_id(byte* name, uint attach_type);
    }
}
