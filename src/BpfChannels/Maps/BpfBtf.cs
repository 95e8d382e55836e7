using System.Text;
using static BpfChannels.Interop.Bpf;

namespace BpfChannels;

/// <summary>
/// A BTF object loaded into the kernel (BPF_BTF_LOAD, 4.18): type information that maps reference through
/// <see cref="BpfMapSpec.Btf"/>, <see cref="BpfMapSpec.BtfKeyTypeId"/> and <see cref="BpfMapSpec.BtfValueTypeId"/>.
/// Local-storage maps (socket, inode, task, cgroup storage) need it; for other maps it lets tools such as
/// bpftool print keys and values by type.
/// </summary>
/// <remarks>Thread-safe. Dispose it when no map creation needs it any more (maps keep their own reference).</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfBtf : IDisposable
{
    private BpfBtf(BpfHandle handle) => Handle = handle;

    /// <summary>The BTF object's descriptor.</summary>
    public BpfHandle Handle { get; }

    /// <summary>Loads raw BTF (header, types, strings) into the kernel.</summary>
    /// <param name="rawBtf">The BTF blob, for example from <see cref="BpfBtfBuilder.Build"/>.</param>
    /// <returns>The loaded object.</returns>
    /// <exception cref="ArgumentException">The blob is empty.</exception>
    /// <exception cref="BpfException">The kernel rejected the BTF; the message holds the kernel's log.</exception>
    public static unsafe BpfBtf Load(ReadOnlySpan<byte> rawBtf)
    {
        if (rawBtf.IsEmpty)
        {
            throw new ArgumentException("The BTF blob is empty.", nameof(rawBtf));
        }

        byte[] log = new byte[4096];
        fixed (byte* btf = rawBtf)
        fixed (byte* logBuffer = log)
        {
            var attr = new bpf_attr_btf_load { btf = (ulong)btf, btf_size = (uint)rawBtf.Length };
            int fd = Call(bpf_cmd.BPF_BTF_LOAD, ref attr);
            if (fd < 0)
            {
                // Load again with the log on: the kernel explains what it refused.
                attr = new bpf_attr_btf_load { btf = (ulong)btf, btf_size = (uint)rawBtf.Length, btf_log_buf = (ulong)logBuffer, btf_log_size = (uint)log.Length, btf_log_level = 1 };
                _ = Call(bpf_cmd.BPF_BTF_LOAD, ref attr);
                string text = Encoding.UTF8.GetString(log.AsSpan(0, Math.Max(0, log.AsSpan().IndexOf((byte)0)))).Trim();
                BpfException error = BpfErrors.Create(-fd, "BPF_BTF_LOAD", null);
                throw text.Length == 0 ? error : new BpfException($"{error.Message} Kernel log: {text}", error.Command, null, error.Errno);
            }

            return new BpfBtf(new BpfHandle(fd));
        }
    }

    /// <summary>Opens the BTF object with id <paramref name="id"/> (BPF_BTF_GET_FD_BY_ID, 5.0), for example a map's <see cref="BpfMapInfo.BtfId"/>.</summary>
    /// <param name="id">The BTF id.</param>
    /// <returns>The BTF object.</returns>
    /// <exception cref="BpfException">ENOENT (no such BTF), EPERM (needs CAP_SYS_ADMIN), or another error.</exception>
    public static BpfBtf OpenById(uint id)
    {
        var attr = new bpf_attr_get_id { start_id = id };
        int fd = Call(bpf_cmd.BPF_BTF_GET_FD_BY_ID, ref attr);
        return fd < 0 ? throw BpfErrors.Create(-fd, "BPF_BTF_GET_FD_BY_ID", $"BTF id {id}") : new BpfBtf(new BpfHandle(fd));
    }

    /// <summary>Reads the raw BTF (header, types, strings) back from the kernel (BPF_OBJ_GET_INFO_BY_FD).</summary>
    /// <returns>The blob.</returns>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public unsafe byte[] GetRawData()
    {
        using var lease = new HandleLease(Handle);
        bpf_btf_info info = default;
        int result = GetInfo(&info);
        if (result < 0)
        {
            throw BpfErrors.Create(-result, "BPF_OBJ_GET_INFO_BY_FD", "BTF");
        }

        byte[] data = new byte[info.btf_size];
        fixed (byte* p = data)
        {
            info = new bpf_btf_info { btf = (ulong)p, btf_size = (uint)data.Length };
            result = GetInfo(&info);
        }

        return result < 0 ? throw BpfErrors.Create(-result, "BPF_OBJ_GET_INFO_BY_FD", "BTF") : data;
    }

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();

    private unsafe int GetInfo(bpf_btf_info* info)
    {
        var attr = new bpf_attr_info { bpf_fd = (uint)Handle.FileDescriptor, info_len = (uint)sizeof(bpf_btf_info), info = (ulong)info };
        return Call(bpf_cmd.BPF_OBJ_GET_INFO_BY_FD, ref attr);
    }
}
