using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    /// <summary>
    /// libbpf.so.1 (1.x, strict mode): functions returning int return 0 or -errno; functions returning a
    /// pointer return NULL and set errno, which <c>SetLastError</c> captures immediately after the call.
    /// Only ELF object handling goes through libbpf; every plain bpf(2) command uses the typed functions of <see cref="Bpf"/>.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static unsafe partial class Libbpf
    {
        /// <summary>struct bpf_object_open_opts (libbpf.h, 1.0+). Zero-initialised; <see cref="sz"/> set by the caller.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_object_open_opts
        {
            public nuint sz;
            public byte* object_name;
            public byte relaxed_maps;
            public byte* pin_root_path;
            private readonly uint _removed_attach_prog_fd;
            public byte* kconfig;
            public byte* btf_custom_path;
            public byte* kernel_log_buf;
            public nuint kernel_log_size;
            public uint kernel_log_level;
        }

        /// <summary>libbpf_print_level.</summary>
        internal enum libbpf_print_level
        {
            LIBBPF_WARN,
            LIBBPF_INFO,
            LIBBPF_DEBUG,
        }

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__open_file", SetLastError = true)]
        internal static partial nint bpf_object__open_file(byte* path, bpf_object_open_opts* opts);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__open_mem", SetLastError = true)]
        internal static partial nint bpf_object__open_mem(byte* obj_buf, nuint obj_buf_sz, bpf_object_open_opts* opts);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__load")]
        internal static partial int bpf_object__load(nint obj);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__close")]
        internal static partial void bpf_object__close(nint obj);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__name")]
        internal static partial byte* bpf_object__name(nint obj);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__btf")]
        internal static partial nint bpf_object__btf(nint obj);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__next_map")]
        internal static partial nint bpf_object__next_map(nint obj, nint prev);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_object__next_program")]
        internal static partial nint bpf_object__next_program(nint obj, nint prev);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__name")]
        internal static partial byte* bpf_map__name(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__fd")]
        internal static partial int bpf_map__fd(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__type")]
        internal static partial uint bpf_map__type(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__key_size")]
        internal static partial uint bpf_map__key_size(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__value_size")]
        internal static partial uint bpf_map__value_size(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__max_entries")]
        internal static partial uint bpf_map__max_entries(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__set_max_entries")]
        internal static partial int bpf_map__set_max_entries(nint map, uint max_entries);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__map_flags")]
        internal static partial uint bpf_map__map_flags(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__set_pin_path")]
        internal static partial int bpf_map__set_pin_path(nint map, byte* path);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__pin_path")]
        internal static partial byte* bpf_map__pin_path(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__is_pinned")]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static partial bool bpf_map__is_pinned(nint map);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__set_initial_value")]
        internal static partial int bpf_map__set_initial_value(nint map, void* data, nuint size);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_map__initial_value")]
        internal static partial void* bpf_map__initial_value(nint map, nuint* psize);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__name")]
        internal static partial byte* bpf_program__name(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__section_name")]
        internal static partial byte* bpf_program__section_name(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__type")]
        internal static partial uint bpf_program__type(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__expected_attach_type")]
        internal static partial uint bpf_program__expected_attach_type(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__fd")]
        internal static partial int bpf_program__fd(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__autoload")]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static partial bool bpf_program__autoload(nint prog);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "bpf_program__set_autoload")]
        internal static partial int bpf_program__set_autoload(nint prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

        [LibraryImport(Libraries.Libbpf, EntryPoint = "libbpf_set_print")]
        internal static partial nint libbpf_set_print(nint fn);
    }
}
