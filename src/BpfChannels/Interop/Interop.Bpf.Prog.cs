using System.Runtime.InteropServices;
using System.Text;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        internal const byte BPF_PSEUDO_MAP_FD = 1;

        /// <summary>BPF_PROG_LOAD (linux/bpf.h, 6.1 fields).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct bpf_attr_prog_load
        {
            public uint prog_type;
            public uint insn_cnt;
            public ulong insns;
            public ulong license;
            public uint log_level;
            public uint log_size;
            public ulong log_buf;
            public uint kern_version;
            public uint prog_flags;
            public fixed byte prog_name[BPF_OBJ_NAME_LEN];
            public uint prog_ifindex;
            public uint expected_attach_type;
            public uint prog_btf_fd;
            public uint func_info_rec_size;
            public ulong func_info;
            public uint func_info_cnt;
            public uint line_info_rec_size;
            public ulong line_info;
            public uint line_info_cnt;
            public uint attach_btf_id;
            public uint attach_prog_fd;
            public uint core_relo_cnt;
            public ulong fd_array;
            public ulong core_relos;
            public uint core_relo_rec_size;
        }

        /// <summary>BPF_PROG_TEST_RUN (the "test" member of union bpf_attr).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct bpf_attr_test_run
        {
            public uint prog_fd;
            public uint retval;
            public uint data_size_in;
            public uint data_size_out;
            public ulong data_in;
            public ulong data_out;
            public uint repeat;
            public uint duration;
            public uint ctx_size_in;
            public uint ctx_size_out;
            public ulong ctx_in;
            public ulong ctx_out;
            public uint flags;
            public uint cpu;
            public uint batch_size;
        }
    

        /// <summary>
        /// BPF_PROG_LOAD of raw instructions (the legacy loader's path and the feature probes; libbpf loads everything
        /// else). A non-empty <paramref name="log"/> turns the verifier log on (level 1). A tracing, LSM or iterator
        /// program names its vmlinux BTF target in <paramref name="attachBtfId"/>.
        /// </summary>
        internal static unsafe int ProgLoad(uint type, ReadOnlySpan<byte> instructions, string license, uint kernelVersion, uint flags, string name, Span<byte> log, out BpfHandle? program, uint expectedAttachType = 0, uint attachBtfId = 0)
        {
            byte[] licenseBytes = NullTerminated(license);
            fixed (byte* insns = instructions)
            fixed (byte* lic = licenseBytes)
            fixed (byte* logBuffer = log)
            {
                var attr = new bpf_attr_prog_load
                {
                    prog_type = type,
                    insn_cnt = (uint)(instructions.Length / 8),
                    insns = (ulong)insns,
                    license = (ulong)lic,
                    kern_version = kernelVersion,
                    prog_flags = flags,
                    log_level = log.IsEmpty ? 0u : 1u,
                    log_buf = (ulong)logBuffer,
                    log_size = (uint)log.Length,
                    expected_attach_type = expectedAttachType,
                    attach_btf_id = attachBtfId,
                };
                CopyName(Encoding.UTF8.GetBytes(name), attr.prog_name);
                return CallForHandle(BpfCommand.ProgLoad, ref attr, out program);
            }
        }

        /// <summary>What BPF_PROG_TEST_RUN reports back.</summary>
        internal readonly record struct TestRunOutput(uint ReturnValue, uint Duration, uint DataSizeOut, uint ContextSizeOut);

        /// <summary>BPF_PROG_TEST_RUN (4.12; context in and out 5.2): runs the program <paramref name="repeat"/> times (0: once).</summary>
        internal static unsafe int ProgTestRun(SafeHandle program, ReadOnlySpan<byte> data, Span<byte> dataOut, ReadOnlySpan<byte> context, Span<byte> contextOut, uint repeat, out TestRunOutput output)
        {
            using var lease = new HandleLease(program);
            fixed (byte* pData = data)
            fixed (byte* pDataOut = dataOut)
            fixed (byte* pContext = context)
            fixed (byte* pContextOut = contextOut)
            {
                var attr = new bpf_attr_test_run
                {
                    prog_fd = (uint)lease.FileDescriptor,
                    data_in = (ulong)pData,
                    data_size_in = (uint)data.Length,
                    data_out = (ulong)pDataOut,
                    data_size_out = (uint)dataOut.Length,
                    ctx_in = (ulong)pContext,
                    ctx_size_in = (uint)context.Length,
                    ctx_out = (ulong)pContextOut,
                    ctx_size_out = (uint)contextOut.Length,
                    repeat = repeat,
                };
                int errno = Call(BpfCommand.ProgTestRun, ref attr);
                output = new TestRunOutput(attr.retval, attr.duration, attr.data_size_out, attr.ctx_size_out);
                return errno;
            }
        }
    }
}
