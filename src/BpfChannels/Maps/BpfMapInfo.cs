namespace BpfChannels;

/// <summary>What the kernel reports about a map (BPF_OBJ_GET_INFO_BY_FD), or the same facts of an in-memory twin.</summary>
public sealed record BpfMapInfo
{
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
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    /// <remarks>Requires Linux 4.13 or later.</remarks>
    /// <exception cref="BpfException">EBADF/EINVAL: the descriptor is not a BPF map.</exception>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static BpfMapInfo FromHandle(BpfHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        // One read of fdinfo for both fields: a listing of every map pays for each read.
        (string? mapType, string? frozen) = ReadFdInfo(handle, "map_type", "frozen");
        if (mapType is null)
        {
            // OBJ_GET_INFO_BY_FD would fill a program's or link's info into the map struct without complaint.
            throw BpfErrors.Create(Interop.Errno.EINVAL, BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor} (not a BPF map)");
        }

        int errno = Interop.Bpf.MapGetInfo(handle, out Interop.Bpf.bpf_map_info info);
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor}");
        }

        return new BpfMapInfo
        {
            Id = info.id,
            Type = (BpfMapType)info.type,
            Name = Interop.Bpf.MapInfoName(info),
            KeySize = (int)info.key_size,
            ValueSize = (int)info.value_size,
            MaxEntries = (int)info.max_entries,
            Flags = (BpfMapFlags)info.map_flags,
            IsFrozen = frozen == "1",
            BtfId = info.btf_id,
            BtfKeyTypeId = info.btf_key_type_id,
            BtfValueTypeId = info.btf_value_type_id,
            MapExtra = info.map_extra,
            InterfaceIndex = (int)info.ifindex,
        };
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
        return ObjectIds.ReadAll(GetAllIds(), static (uint id, out BpfHandle? handle) => Interop.Bpf.MapGetFdById(id, 0, out handle), BpfCommand.MapGetFdById, FromHandle);
    }

    /// <summary>Reads one field of /proc/self/fdinfo for any BPF descriptor (a map's <c>frozen</c>, a program's <c>prog_type</c>, a BTF object's <c>btf_id</c>), or null.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static string? ReadFdInfo(BpfHandle handle, string field)
    {
        // Held open while it is read: a concurrent close and reuse of the number would describe another file.
        using var lease = new HandleLease(handle);
        foreach (string line in File.ReadLines($"/proc/self/fdinfo/{handle.FileDescriptor}"))
        {
            if (FieldValue(line, field) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Reads two fields of /proc/self/fdinfo in one pass; a missing field is null.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static (string? First, string? Second) ReadFdInfo(BpfHandle handle, string first, string second)
    {
        using var lease = new HandleLease(handle);
        string? a = null, b = null;
        foreach (string line in File.ReadLines($"/proc/self/fdinfo/{handle.FileDescriptor}"))
        {
            if (a is null && FieldValue(line, first) is { } valueA)
            {
                a = valueA;
            }
            else if (b is null && FieldValue(line, second) is { } valueB)
            {
                b = valueB;
            }
        }

        return (a, b);
    }

    private static string? FieldValue(string line, string field) =>
        line.Length > field.Length && line[field.Length] == ':' && line.StartsWith(field, StringComparison.Ordinal) ? line.AsSpan(field.Length + 1).Trim().ToString() : null;
}
