namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>enum bpf_cmd (linux/bpf.h).</summary>
        internal enum bpf_cmd
        {
            BPF_MAP_CREATE,
            BPF_MAP_LOOKUP_ELEM,
            BPF_MAP_UPDATE_ELEM,
            BPF_MAP_DELETE_ELEM,
            BPF_MAP_GET_NEXT_KEY,
            BPF_PROG_LOAD,
            BPF_OBJ_PIN,
            BPF_OBJ_GET,
            BPF_PROG_ATTACH,
            BPF_PROG_DETACH,
            BPF_PROG_TEST_RUN,
            BPF_PROG_GET_NEXT_ID,
            BPF_MAP_GET_NEXT_ID,
            BPF_PROG_GET_FD_BY_ID,
            BPF_MAP_GET_FD_BY_ID,
            BPF_OBJ_GET_INFO_BY_FD,
            BPF_PROG_QUERY,
            BPF_RAW_TRACEPOINT_OPEN,
            BPF_BTF_LOAD,
            BPF_BTF_GET_FD_BY_ID,
            BPF_TASK_FD_QUERY,
            BPF_MAP_LOOKUP_AND_DELETE_ELEM,
            BPF_MAP_FREEZE,
            BPF_BTF_GET_NEXT_ID,
            BPF_MAP_LOOKUP_BATCH,
            BPF_MAP_LOOKUP_AND_DELETE_BATCH,
            BPF_MAP_UPDATE_BATCH,
            BPF_MAP_DELETE_BATCH,
            BPF_LINK_CREATE,
            BPF_LINK_UPDATE,
            BPF_LINK_GET_FD_BY_ID,
            BPF_LINK_GET_NEXT_ID,
            BPF_ENABLE_STATS,
            BPF_ITER_CREATE,
            BPF_LINK_DETACH,
            BPF_PROG_BIND_MAP,
        }

        internal const int BPF_OBJ_NAME_LEN = 16;

        internal const ulong BPF_ANY = 0;
        internal const ulong BPF_NOEXIST = 1;
        internal const ulong BPF_EXIST = 2;
        internal const ulong BPF_F_LOCK = 4;

        internal const uint BPF_F_RDONLY = 1u << 3;
        internal const uint BPF_F_WRONLY = 1u << 4;
    }
}
