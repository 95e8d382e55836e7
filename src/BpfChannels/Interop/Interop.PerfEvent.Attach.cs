using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class PerfEvent
    {
        internal const uint PERF_TYPE_HARDWARE = 0;
        internal const uint PERF_TYPE_TRACEPOINT = 2;

        /// <summary>_IOW('$', 8, __u32): attach a BPF program to a perf event (4.1).</summary>
        internal const ulong PERF_EVENT_IOC_SET_BPF = 0x40042408;

        /// <summary>perf_event_attr flag bit <c>freq</c>: sample_period holds a sampling frequency in Hz.</summary>
        internal const ulong ATTR_FLAG_FREQ = 1UL << 10;

        /// <summary>The size the kernel is told perf_event_attr has (PERF_ATTR_SIZE_VER7).</summary>
        internal static unsafe uint AttrSize => (uint)sizeof(perf_event_attr);

        /// <summary>
        /// perf_event_open for a BPF attachment: 0 and the event's descriptor (owned), or the positive errno.
        /// <paramref name="pid"/> -1 with a CPU means every process on that CPU; <paramref name="cpu"/> -1 with a pid means that process anywhere.
        /// </summary>
        internal static int OpenEvent(ref perf_event_attr attr, int pid, int cpu, out BpfHandle? perfEvent)
        {
            attr.size = AttrSize;
            int errno = Open(ref attr, pid, cpu, out int fd);
            perfEvent = errno == 0 ? new BpfHandle(fd) : null;
            return errno;
        }

        /// <summary>ioctl(PERF_EVENT_IOC_SET_BPF, program): the pre-link way to run a program on a perf event; 0 or the positive errno.</summary>
        internal static int SetBpf(SafeHandle perfEvent, SafeHandle program)
        {
            using var eventLease = new HandleLease(perfEvent);
            using var programLease = new HandleLease(program);
            return IoctlRaw(eventLease.FileDescriptor, PERF_EVENT_IOC_SET_BPF, programLease.FileDescriptor) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        /// <summary>ioctl(request, 0) on a held descriptor (PERF_EVENT_IOC_ENABLE, PERF_EVENT_IOC_DISABLE): 0 or the positive errno.</summary>
        internal static int Control(SafeHandle perfEvent, ulong request)
        {
            using var lease = new HandleLease(perfEvent);
            return Ioctl(lease.FileDescriptor, request);
        }
    }
}
