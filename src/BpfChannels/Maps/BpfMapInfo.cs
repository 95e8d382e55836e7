using System.Runtime.CompilerServices;

namespace BpfChannels;

/// <summary>What the kernel reports about a map (BPF_OBJ_GET_INFO_BY_FD), or the same facts of an in-memory twin.</summary>
public sealed record BpfMapInfo
{
    // Per descriptor object (never per number, which the process reuses): what OBJ_GET_INFO_BY_FD gave for it first.
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static readonly ConditionalWeakTable<BpfHandle, BpfMapInfo> Immutable = new();

    /// <summary>The map id (system-wide for kernel maps; process-wide for twins).</summary>
    public required uint Id { get; init; }

    /// <summary>The map type.</summary>
    public required BpfMapType Type { get; init; }

    /// <summary>The map name (up to 15 characters).</summary>
    public required string Name { get; init; }

    /// <summary>Key size in bytes.</summary>
    public required int KeySize { get; init; }

    /// <summary>Value size in bytes.</summary>
    public required int ValueSize { get; init; }

    /// <summary>Maximum number of entries.</summary>
    public required int MaxEntries { get; init; }

    /// <summary>Creation flags.</summary>
    public required BpfMapFlags Flags { get; init; }

    /// <summary>Whether user space can no longer write the map (BPF_MAP_FREEZE).</summary>
    public required bool IsFrozen { get; init; }

    /// <summary>The memory the kernel charges to the map, in bytes (fdinfo <c>memlock</c>, as bpftool shows it), or null where it is not shown (twins).</summary>
    /// <remarks>It grows and shrinks with a map that allocates per entry; read at the time of the info.</remarks>
    public long? MemoryLockedBytes { get; init; }

    /// <summary>The map's BTF object id, or 0.</summary>
    public uint BtfId { get; init; }

    /// <summary>The BTF type id of the key, or 0.</summary>
    public uint BtfKeyTypeId { get; init; }

    /// <summary>The BTF type id of the value, or 0.</summary>
    public uint BtfValueTypeId { get; init; }

    /// <summary>The per-type extra attribute (map_extra).</summary>
    public ulong MapExtra { get; init; }

    /// <summary>The interface the map is offloaded to, or 0.</summary>
    public int InterfaceIndex { get; init; }

    /// <summary>The attributes as a spec (to create a map like this one).</summary>
    /// <returns>The spec.</returns>
    public BpfMapSpec ToSpec() => new()
    {
        Type = Type,
        KeySize = KeySize,
        ValueSize = ValueSize,
        MaxEntries = MaxEntries,
        Flags = Flags,
        Name = Name,
        MapExtra = MapExtra,
        BtfKeyTypeId = BtfKeyTypeId,
        BtfValueTypeId = BtfValueTypeId,
    };

    /// <summary>Reads the info of the map behind <paramref name="handle"/>.</summary>
    /// <param name="handle">A map descriptor.</param>
    /// <returns>The info.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    /// <exception cref="BpfException">EBADF/EINVAL: the descriptor is not a BPF map.</exception>
    /// <exception cref="IOException">/proc/self/fdinfo cannot be read.</exception>
    /// <remarks>
    /// Requires Linux 4.13 or later. What cannot change while a descriptor is open (id, type, name, sizes, flags, BTF
    /// ids) is read from the kernel once per <see cref="BpfHandle"/> and kept with it; <see cref="IsFrozen"/> and
    /// <see cref="MemoryLockedBytes"/> are read again at every call. Thread-safe.
    /// </remarks>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMapInfo FromHandle(BpfHandle handle) => Read(handle, keep: true);

    /// <summary>The map's id: what is kept for <paramref name="handle"/> when it was read before (no fdinfo read), else <see cref="FromHandle"/>'s.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static uint IdOf(BpfHandle handle) => Immutable.TryGetValue(handle, out BpfMapInfo? known) ? known.Id : FromHandle(handle).Id;

    /// <summary><see cref="FromHandle"/>.</summary>
    /// <param name="handle">The descriptor.</param>
    /// <param name="keep">Whether to keep what cannot change for the handle's next read; a listing's handles close at once.</param>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static BpfMapInfo Read(BpfHandle handle, bool keep)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        // One read of fdinfo for every field it gives: a listing of every map pays for each read.
        BpfFdInfo fdinfo = BpfFdInfo.Read(handle);
        bool frozen = fdinfo.TryGetNumber("frozen", out long frozenValue) && frozenValue == 1;
        long? memlock = fdinfo.TryGetNumber("memlock", out long bytes) ? bytes : null;
        if (Immutable.TryGetValue(handle, out BpfMapInfo? known))
        {
            return known with { IsFrozen = frozen, MemoryLockedBytes = memlock };
        }

        if (fdinfo.GetValue("map_type") is null)
        {
            // OBJ_GET_INFO_BY_FD would fill a program's or link's info into the map struct without complaint.
            throw BpfErrors.Create(Interop.Errno.EINVAL, BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor} (not a BPF map)");
        }

        int errno = Interop.Bpf.MapGetInfo(handle, out Interop.Bpf.bpf_map_info info);
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor}");
        }

        var read = new BpfMapInfo
        {
            Id = info.id,
            Type = (BpfMapType)info.type,
            Name = Interop.Bpf.MapInfoName(info),
            KeySize = (int)info.key_size,
            ValueSize = (int)info.value_size,
            MaxEntries = (int)info.max_entries,
            Flags = (BpfMapFlags)info.map_flags,
            IsFrozen = frozen,
            MemoryLockedBytes = memlock,
            BtfId = info.btf_id,
            BtfKeyTypeId = info.btf_key_type_id,
            BtfValueTypeId = info.btf_value_type_id,
            MapExtra = info.map_extra,
            InterfaceIndex = (int)info.ifindex,
        };

        // An offloaded map's ifindex becomes 0 when its device goes away, so only maps on the host are kept.
        if (keep && read.InterfaceIndex == 0)
        {
            _ = Immutable.TryAdd(handle, read);
        }

        return read;
    }

    /// <summary>The ids of every map on the system (BPF_MAP_GET_NEXT_ID).</summary>
    /// <returns>The ids in increasing order.</returns>
    /// <remarks>Requires Linux 4.13 or later.</remarks>
    /// <exception cref="BpfException">EPERM: enumerating needs CAP_SYS_ADMIN.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static IReadOnlyList<uint> GetAllIds()
    {
        return ObjectIds.GetAll(Interop.Bpf.MapGetNextId, BpfCommand.MapGetNextId);
    }

    /// <summary>The info of every map on the system; maps that disappear while they are listed are left out.</summary>
    /// <returns>The maps, by id.</returns>
    /// <remarks>Requires Linux 4.13 or later.</remarks>
    /// <exception cref="BpfException">EPERM: enumerating needs CAP_SYS_ADMIN.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static IReadOnlyList<BpfMapInfo> GetAll()
    {
        return ObjectIds.ReadAll(GetAllIds(), static (uint id, out BpfHandle? handle) => Interop.Bpf.MapGetFdById(id, 0, out handle), BpfCommand.MapGetFdById, static handle => Read(handle, keep: false));
    }
}
