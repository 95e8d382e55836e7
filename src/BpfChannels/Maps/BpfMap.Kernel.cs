using System.Runtime.InteropServices;
using System.Text;
using static BpfChannels.Interop.Bpf;

namespace BpfChannels;

public abstract partial class BpfMap
{
    /// <summary>The default mode of new pins: readable and writable by their owner only.</summary>
    public const UnixFileMode DefaultPinMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The map's id: system-wide for kernel maps (as <c>bpftool map show</c> lists it), process-wide for twins.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public uint Id => this is InMemoryBpfMap twin ? CheckedTwin(twin).TwinId : GetInfo().Id;

    /// <summary>Reads what the kernel reports about the map (BPF_OBJ_GET_INFO_BY_FD).</summary>
    /// <returns>The info.</returns>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "CA1416", Justification = "Only a kernel map reaches the kernel branch, and kernel maps exist only on Linux.")]
    public BpfMapInfo GetInfo()
    {
        if (this is InMemoryBpfMap twin)
        {
            return new BpfMapInfo
            {
                Id = CheckedTwin(twin).TwinId,
                Type = Type,
                Name = Name,
                KeySize = KeySize,
                ValueSize = ValueSize,
                MaxEntries = MaxEntries,
                Flags = Flags,
                IsFrozen = IsFrozen,
                MapExtra = Spec.MapExtra,
            };
        }

        return BpfMapInfo.FromHandle(Handle);
    }

    /// <summary>Takes ownership of a map descriptor (from libbpf, another process, or <see cref="BpfHandle.Duplicate"/>).</summary>
    /// <param name="handle">The descriptor; the map disposes it.</param>
    /// <returns>The map, with its spec read from the kernel.</returns>
    /// <exception cref="BpfException">The descriptor is not a BPF map.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap FromHandle(BpfHandle handle)
    {
        BpfMapInfo info = BpfMapInfo.FromHandle(handle);
        return new KernelBpfMap(handle, info.ToSpec());
    }

    /// <summary>Opens the map with id <paramref name="id"/> (BPF_MAP_GET_FD_BY_ID, 4.13).</summary>
    /// <param name="id">The map id (from <see cref="BpfMapInfo.GetAllIds"/> or <c>bpftool map show</c>).</param>
    /// <param name="access">Read-write, read-only or write-only.</param>
    /// <returns>The map.</returns>
    /// <exception cref="BpfException">ENOENT (no such map), EPERM (needs CAP_SYS_ADMIN), or another error.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap OpenById(uint id, BpfPinAccess access = BpfPinAccess.ReadWrite)
    {
        BpfHandle? handle = BpfMapInfo.TryOpenId(id, (uint)access, out int errno);
        if (handle is null)
        {
            throw BpfErrors.Create(errno, "BPF_MAP_GET_FD_BY_ID", $"id {id}");
        }

        return Adopt(handle);
    }

    /// <summary>Opens a map pinned at <paramref name="path"/> on bpffs (BPF_OBJ_GET).</summary>
    /// <param name="path">The pin path, for example <c>/sys/fs/bpf/counters</c>.</param>
    /// <param name="access">Read-write, read-only (writes then fail with EPERM) or write-only.</param>
    /// <returns>The map; its data is the data of the pinned map.</returns>
    /// <exception cref="ArgumentException">The path is not on a mounted bpffs.</exception>
    /// <exception cref="BpfException">ENOENT (nothing pinned there), EACCES, or another error.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static unsafe BpfMap OpenPinned(string path, BpfPinAccess access = BpfPinAccess.ReadWrite)
    {
        string full = CheckPinPath(path, mustExist: true);
        byte[] bytes = NullTerminated(full);
        fixed (byte* p = bytes)
        {
            var attr = new bpf_attr_obj { pathname = (ulong)p, file_flags = (uint)access };
            int fd = Call(bpf_cmd.BPF_OBJ_GET, ref attr);
            if (fd < 0)
            {
                throw BpfErrors.Create(-fd, "BPF_OBJ_GET", full);
            }

            return Adopt(new BpfHandle(fd));
        }
    }

    /// <summary>Pins the map at <paramref name="path"/> on bpffs so it outlives this process (BPF_OBJ_PIN).</summary>
    /// <param name="path">The pin path; its directory must be on a mounted bpffs.</param>
    /// <param name="mode">The pin's permissions; by default only the owner can open it.</param>
    /// <remarks>An existing pin is never replaced: unpin it first.</remarks>
    /// <exception cref="ArgumentException">The path is not on a mounted bpffs.</exception>
    /// <exception cref="IOException">Something already exists at <paramref name="path"/>.</exception>
    /// <exception cref="NotSupportedException">The map is an in-memory twin.</exception>
    /// <exception cref="BpfException">The kernel refused the pin.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public unsafe void Pin(string path, UnixFileMode mode = DefaultPinMode)
    {
        BpfHandle handle = Handle;
        string full = CheckPinPath(path, mustExist: false);
        if (Path.Exists(full))
        {
            throw BpfErrors.Create(Interop.Errno.EEXIST, "BPF_OBJ_PIN", full);
        }

        byte[] bytes = NullTerminated(full);
        using var lease = new HandleLease(handle);
        fixed (byte* p = bytes)
        {
            var attr = new bpf_attr_obj { pathname = (ulong)p, bpf_fd = (uint)handle.FileDescriptor };
            int result = Call(bpf_cmd.BPF_OBJ_PIN, ref attr);
            if (result < 0)
            {
                throw BpfErrors.Create(-result, "BPF_OBJ_PIN", full);
            }
        }

        if (File.GetUnixFileMode(full) != mode)
        {
            File.SetUnixFileMode(full, mode);
        }
    }

    /// <summary>Removes a pin. The map lives on while a descriptor or a program still holds it.</summary>
    /// <param name="path">The pin path.</param>
    /// <returns><see langword="false"/> if nothing was pinned there.</returns>
    /// <exception cref="ArgumentException">The path is not on a mounted bpffs.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static bool Unpin(string path)
    {
        string full = CheckPinPath(path, mustExist: false);
        if (!File.Exists(full))
        {
            return false;
        }

        File.Delete(full);
        return true;
    }

    /// <summary>Checks that <paramref name="path"/> lies on a mounted bpffs, explaining what is wrong if not.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static string CheckPinPath(string path, bool mustExist)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || full.EndsWith('/'))
        {
            throw new ArgumentException($"'{path}' is not a file path on bpffs.", nameof(path));
        }

        long type = Interop.Libc.GetFileSystemType(directory);
        if (type == Interop.Libc.BPF_FS_MAGIC)
        {
            return full;
        }

        string root = BpfSystem.DefaultBpfFsPath;
        bool underDefault = full.StartsWith(root + "/", StringComparison.Ordinal);
        if (underDefault && Interop.Libc.GetFileSystemType(root) != Interop.Libc.BPF_FS_MAGIC)
        {
            throw new ArgumentException($"bpffs is not mounted at {root}, so '{path}' cannot hold a pin. Mount it (as root): mount -t bpf bpf {root}", nameof(path));
        }

        if (type == -Interop.Errno.ENOENT)
        {
            throw new ArgumentException($"The directory '{directory}' does not exist{(mustExist ? string.Empty : "; create it on bpffs first")}.", nameof(path));
        }

        throw new ArgumentException($"'{path}' is not on a bpffs mount (pins live on bpffs, usually under {root}).", nameof(path));
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static BpfMap Adopt(BpfHandle handle)
    {
        try
        {
            return FromHandle(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static byte[] NullTerminated(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        _ = Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private static InMemoryBpfMap CheckedTwin(InMemoryBpfMap twin)
    {
        ObjectDisposedException.ThrowIf(twin.IsDisposed, twin);
        return twin;
    }
}
