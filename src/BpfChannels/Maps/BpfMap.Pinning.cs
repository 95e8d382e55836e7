namespace BpfChannels;

public abstract partial class BpfMap
{
    /// <summary>The default mode of new pins: readable and writable by their owner only.</summary>
    public const UnixFileMode DefaultPinMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The map's id: system-wide for kernel maps (as <c>bpftool map show</c> lists it), process-wide for twins.</summary>
    /// <remarks>Requires Linux 4.13 or later for kernel maps.</remarks>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public uint Id => GetId();

    /// <summary>Reads what the kernel reports about the map (BPF_OBJ_GET_INFO_BY_FD), or the twin's same facts.</summary>
    /// <returns>The info.</returns>
    /// <remarks>Requires Linux 4.13 or later for kernel maps.</remarks>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="BpfException">The kernel reported an error.</exception>
    public BpfMapInfo GetInfo() => GetInfoCore();

    /// <summary>Takes ownership of a map descriptor (from libbpf, another process, or <see cref="BpfHandle.Duplicate"/>).</summary>
    /// <param name="handle">The descriptor; the map disposes it.</param>
    /// <returns>The map, with its spec read from the kernel.</returns>
    /// <remarks>Requires Linux 4.13 or later.</remarks>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    /// <exception cref="BpfException">The descriptor is not a BPF map.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap FromHandle(BpfHandle handle) => KernelBpfMap.Wrap(handle);

    /// <summary>Opens the map with id <paramref name="id"/> (BPF_MAP_GET_FD_BY_ID).</summary>
    /// <param name="id">The map id (from <see cref="BpfMapInfo.GetAllIds"/> or <c>bpftool map show</c>).</param>
    /// <param name="access">Read-write, read-only or write-only.</param>
    /// <returns>The map.</returns>
    /// <remarks>Requires Linux 4.13 or later.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="access"/> is not a defined value.</exception>
    /// <exception cref="BpfException">ENOENT (no such map), EPERM (needs CAP_SYS_ADMIN), or another error.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap OpenById(uint id, BpfPinAccess access = BpfPinAccess.ReadWrite) => KernelBpfMap.OpenId(id, access);

    /// <summary>Opens a map pinned at <paramref name="path"/> on bpffs (BPF_OBJ_GET).</summary>
    /// <param name="path">The pin path, for example <c>/sys/fs/bpf/counters</c>.</param>
    /// <param name="access">Read-write, read-only (writes then fail with EPERM) or write-only.</param>
    /// <returns>The map; its data is the data of the pinned map.</returns>
    /// <remarks>Requires Linux 4.4 or later (read-only and write-only access 4.15).</remarks>
    /// <exception cref="ArgumentException">The path is not on a mounted bpffs.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="access"/> is not a defined value.</exception>
    /// <exception cref="BpfException">ENOENT (nothing pinned there), EACCES (the pin's mode or a directory refuses this process), or another error.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMap OpenPinned(string path, BpfPinAccess access = BpfPinAccess.ReadWrite) => KernelBpfMap.OpenPin(path, access);

    /// <summary>Pins the map at <paramref name="path"/> on bpffs so it outlives this process (BPF_OBJ_PIN).</summary>
    /// <param name="path">The pin path; its directory must be on a mounted bpffs.</param>
    /// <param name="mode">The pin's permissions; by default only the owner can open it.</param>
    /// <remarks>An existing pin is never replaced: unpin it first. Requires Linux 4.4 or later.</remarks>
    /// <exception cref="ArgumentException">The path is not on a mounted bpffs.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="NotSupportedException">The map is an in-memory twin.</exception>
    /// <exception cref="BpfException">EEXIST (something already exists at <paramref name="path"/>), or the kernel refused the pin.</exception>
    public void Pin(string path, UnixFileMode mode = DefaultPinMode)
    {
        ThrowIfDisposed();
        PinCore(path, mode);
    }

    /// <summary>
    /// Removes a pin: a map, program or link pinned on bpffs. The object lives on while a descriptor, a program or a
    /// link still holds it. Anything else at the path (a directory, a symbolic link) is refused and left in place.
    /// </summary>
    /// <param name="path">The pin path.</param>
    /// <returns><see langword="false"/> if nothing exists at the path.</returns>
    /// <exception cref="ArgumentException">The path is not on a mounted bpffs, or what it names is not a pinned BPF object.</exception>
    /// <exception cref="IOException">The pin could not be removed (for example, the directory is not writable).</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static bool Unpin(string path) => KernelBpfMap.RemovePin(CheckPinPath(path, mustExist: false));

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

        int errno = Interop.Libc.GetFileSystemType(directory, out long type);
        if (errno == 0 && type == Interop.Libc.BPF_FS_MAGIC)
        {
            return full;
        }

        string root = BpfSystem.DefaultBpfFsPath;
        bool underDefault = full.StartsWith(root + "/", StringComparison.Ordinal);
        if (underDefault && !BpfSystem.IsOnBpfFs(root))
        {
            throw new ArgumentException($"bpffs is not mounted at {root}, so '{path}' cannot hold a pin. Mount it (as root): mount -t bpf bpf {root}", nameof(path));
        }

        if (errno == Interop.Errno.ENOENT)
        {
            throw new ArgumentException($"The directory '{directory}' does not exist{(mustExist ? string.Empty : "; create it on bpffs first")}.", nameof(path));
        }

        throw new ArgumentException($"'{path}' is not on a bpffs mount (pins live on bpffs, usually under {root}).", nameof(path));
    }

    /// <summary>Checks a <see cref="BpfPinAccess"/> before it reaches the kernel as open flags.</summary>
    internal static void CheckAccess(BpfPinAccess access)
    {
        if (access is not (BpfPinAccess.ReadWrite or BpfPinAccess.ReadOnly or BpfPinAccess.WriteOnly))
        {
            throw new ArgumentOutOfRangeException(nameof(access), access, "Use ReadWrite, ReadOnly or WriteOnly.");
        }
    }
}
