namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        internal const int BPF_OBJ_NAME_LEN = 16;

        internal const ulong BPF_ANY = 0;
        internal const ulong BPF_NOEXIST = 1;
        internal const ulong BPF_EXIST = 2;
        internal const ulong BPF_F_LOCK = 4;

        internal const uint BPF_F_RDONLY = 1u << 3;
        internal const uint BPF_F_WRONLY = 1u << 4;
    }
}
