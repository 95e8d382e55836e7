using System.Text;

namespace BpfChannels;

/// <summary>
/// A BTF object loaded into the kernel (BPF_BTF_LOAD): type information that maps reference through
/// <see cref="BpfMapSpec.Btf"/>, <see cref="BpfMapSpec.BtfKeyTypeId"/> and <see cref="BpfMapSpec.BtfValueTypeId"/>.
/// Local-storage maps (socket, inode, task, cgroup storage) need it; for other maps it lets tools such as
/// bpftool print keys and values by type.
/// </summary>
/// <remarks>Requires Linux 4.18 or later. Thread-safe. Dispose it when no map creation needs it any more (maps keep their own reference).</remarks>
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
    public static BpfBtf Load(ReadOnlySpan<byte> rawBtf)
    {
        if (rawBtf.IsEmpty)
        {
            throw new ArgumentException("The BTF blob is empty.", nameof(rawBtf));
        }

        int errno = Interop.Bpf.BtfLoad(rawBtf, default, out BpfHandle? handle);
        if (errno == 0)
        {
            return new BpfBtf(handle!);
        }

        // Load again with the log on: the kernel explains what it refused.
        byte[] log = new byte[4096];
        if (Interop.Bpf.BtfLoad(rawBtf, log, out BpfHandle? second) == 0)
        {
            return new BpfBtf(second!);
        }

        string text = Encoding.UTF8.GetString(log.AsSpan(0, Math.Max(0, log.AsSpan().IndexOf((byte)0)))).Trim();
        BpfException error = BpfErrors.Create(errno, BpfCommand.BtfLoad, null);
        throw text.Length == 0 ? error : new BpfException($"{error.Message} Kernel log: {text}", error.Command, null, error.Errno);
    }

    /// <summary>Opens the BTF object with id <paramref name="id"/> (BPF_BTF_GET_FD_BY_ID), for example a map's <see cref="BpfMapInfo.BtfId"/>.</summary>
    /// <param name="id">The BTF id.</param>
    /// <returns>The BTF object.</returns>
    /// <remarks>Requires Linux 5.0 or later.</remarks>
    /// <exception cref="BpfException">ENOENT (no such BTF), EPERM (needs CAP_SYS_ADMIN), or another error.</exception>
    public static BpfBtf OpenById(uint id)
    {
        int errno = Interop.Bpf.BtfGetFdById(id, out BpfHandle? handle);
        return errno == 0 ? new BpfBtf(handle!) : throw BpfErrors.Create(errno, BpfCommand.BtfGetFdById, $"BTF id {id}");
    }

    /// <summary>Reads the raw BTF (header, types, strings) back from the kernel (BPF_OBJ_GET_INFO_BY_FD).</summary>
    /// <returns>The blob.</returns>
    /// <remarks>Requires Linux 5.0 or later.</remarks>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public byte[] GetRawData()
    {
        int errno = Interop.Bpf.BtfGetInfo(Handle, default, out uint size);
        byte[] data = new byte[size];
        if (errno == 0)
        {
            errno = Interop.Bpf.BtfGetInfo(Handle, data, out _);
        }

        return errno == 0 ? data : throw BpfErrors.Create(errno, BpfCommand.ObjGetInfoByFd, "BTF");
    }

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();
}
