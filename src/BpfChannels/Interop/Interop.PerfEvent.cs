using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    /// <summary>perf_event_open(2) and the structures of linux/perf_event.h used to read BPF output.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static partial class PerfEvent
    {
        internal const uint PERF_TYPE_SOFTWARE = 1;
        internal const ulong PERF_COUNT_SW_BPF_OUTPUT = 10;
        internal const ulong PERF_SAMPLE_RAW = 1UL << 10;
        internal const ulong PERF_FLAG_FD_CLOEXEC = 1UL << 3;
        internal const uint PERF_RECORD_LOST = 2;
        internal const uint PERF_RECORD_SAMPLE = 9;
        internal const ulong PERF_EVENT_IOC_ENABLE = 0x2400;
        internal const ulong PERF_EVENT_IOC_DISABLE = 0x2401;

        /// <summary>perf_event_attr flag bit <c>disabled</c>: the event starts off until PERF_EVENT_IOC_ENABLE.</summary>
        internal const ulong ATTR_FLAG_DISABLED = 1UL << 0;

        private static readonly long SysPerfEventOpen = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 298,
            Architecture.Arm64 => 241,
            Architecture.LoongArch64 => 241,
            Architecture.RiscV64 => 241,
            Architecture.X86 => 336,
            Architecture.Arm => 364,
            _ => -1,
        };

        /// <summary>struct perf_event_attr as of PERF_ATTR_SIZE_VER7 (128 bytes); bit fields are in <see cref="flags"/>.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct perf_event_attr
        {
            public uint type;
            public uint size;
            public ulong config;
            public ulong sample_period;
            public ulong sample_type;
            public ulong read_format;
            public ulong flags;
            public uint wakeup_events;
            public uint bp_type;
            public ulong config1;
            public ulong config2;
            public ulong branch_sample_type;
            public ulong sample_regs_user;
            public uint sample_stack_user;
            public int clockid;
            public ulong sample_regs_intr;
            public uint aux_watermark;
            public ushort sample_max_stack;
            public ushort __reserved_2;
            public uint aux_sample_size;
            public uint __reserved_3;
            public ulong sig_data;
        }

        /// <summary>The fields of struct perf_event_mmap_page that a ring reader uses, at their header offsets.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 1056)]
        internal struct perf_event_mmap_page
        {
            [FieldOffset(0)]
            public uint version;

            [FieldOffset(4)]
            public uint compat_version;

            [FieldOffset(1024)]
            public ulong data_head;

            [FieldOffset(1032)]
            public ulong data_tail;

            [FieldOffset(1040)]
            public ulong data_offset;

            [FieldOffset(1048)]
            public ulong data_size;
        }

        /// <summary>struct perf_event_header.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct perf_event_header
        {
            public uint type;
            public ushort misc;
            public ushort size;
        }

        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        private static unsafe partial long Syscall(long number, perf_event_attr* attr, long pid, long cpu, long groupFd, ulong flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
        private static partial int IoctlRaw(int fd, ulong request, nint arg);

        /// <summary>perf_event_open(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC): 0 and the new descriptor, or the errno.</summary>
        internal static unsafe int Open(ref perf_event_attr attr, int pid, int cpu, out int fd)
        {
            fixed (perf_event_attr* p = &attr)
            {
                long result = Syscall(SysPerfEventOpen, p, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
                fd = (int)result;
                return result < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
        }

        /// <summary>ioctl(fd, request, 0): 0 or the errno.</summary>
        internal static int Ioctl(int fd, ulong request)
        {
            return IoctlRaw(fd, request, 0) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
    }
}
