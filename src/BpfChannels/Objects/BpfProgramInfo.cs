using System.Text;
using static BpfChannels.Interop.Bpf;

namespace BpfChannels;

/// <summary>What the kernel reports about a loaded program (BPF_OBJ_GET_INFO_BY_FD), as <c>bpftool prog show</c> lists it.</summary>
/// <remarks>Enumerating and opening programs by id needs CAP_SYS_ADMIN. Requires Linux 4.13 or later.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed record BpfProgramInfo
{
    /// <summary>The program id (system-wide).</summary>
    public required uint Id { get; init; }

    /// <summary>The program type.</summary>
    public required BpfProgramType Type { get; init; }

    /// <summary>The name the kernel keeps (up to 15 characters).</summary>
    public required string Name { get; init; }

    /// <summary>The program's tag: a hash of its instructions, 16 hex digits.</summary>
    public required string Tag { get; init; }

    /// <summary>Whether its license is GPL-compatible.</summary>
    public required bool IsGplCompatible { get; init; }

    /// <summary>When it was loaded, in nanoseconds since boot (CLOCK_BOOTTIME).</summary>
    public required ulong LoadTime { get; init; }

    /// <summary>The uid of the process that loaded it.</summary>
    public required uint CreatedByUid { get; init; }

    /// <summary>The size of its verified (translated) instructions in bytes.</summary>
    public required uint TranslatedSize { get; init; }

    /// <summary>The size of its JIT-compiled code in bytes, or 0 when it is not JIT-compiled.</summary>
    public required uint JitedSize { get; init; }

    /// <summary>The ids of the maps it uses.</summary>
    public required IReadOnlyList<uint> MapIds { get; init; }

    /// <summary>Its BTF object id, or 0.</summary>
    public uint BtfId { get; init; }

    /// <summary>The BTF type id of its main function (the first func_info record), or 0; names longer than 15 characters live there.</summary>
    public uint BtfFunctionTypeId { get; init; }

    /// <summary>Nanoseconds spent running it, when statistics are enabled (kernel.bpf_stats_enabled), else 0.</summary>
    public ulong RunTimeNanoseconds { get; init; }

    /// <summary>How many times it ran, when statistics are enabled, else 0.</summary>
    public ulong RunCount { get; init; }

    /// <summary>Runs skipped because it was already running on the CPU (5.12).</summary>
    public ulong RecursionMisses { get; init; }

    /// <summary>The interface it is offloaded to, or 0.</summary>
    public int InterfaceIndex { get; init; }

    /// <summary>The memory the kernel charges to the program, in bytes (fdinfo <c>memlock</c>, as bpftool shows it), or null where it is not shown.</summary>
    public long? MemoryLockedBytes { get; init; }

    /// <summary>The ids of every loaded program (BPF_PROG_GET_NEXT_ID).</summary>
    /// <returns>The ids in increasing order.</returns>
    /// <exception cref="BpfException">EPERM: enumerating needs CAP_SYS_ADMIN.</exception>
    public static IReadOnlyList<uint> GetAllIds() => ObjectIds.GetAll(ProgGetNextId, BpfCommand.ProgGetNextId);

    /// <summary>Opens the program with id <paramref name="id"/> (BPF_PROG_GET_FD_BY_ID).</summary>
    /// <param name="id">The program id.</param>
    /// <returns>Its descriptor; the caller disposes it.</returns>
    /// <exception cref="BpfException">ENOENT (no such program), EPERM, or another error.</exception>
    public static BpfHandle OpenById(uint id) => ObjectIds.Open(ProgGetFdById, BpfCommand.ProgGetFdById, id);

    /// <summary>Opens the program pinned at <paramref name="path"/> (BPF_OBJ_GET).</summary>
    /// <param name="path">The pin path on bpffs.</param>
    /// <returns>Its descriptor; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="BpfException">ENOENT (nothing pinned there), EINVAL (not a program), or another error.</exception>
    public static BpfHandle OpenPinned(string path) => ObjectIds.OpenPinned(path, handle => FromHandle(handle));

    /// <summary>Reads the info of the program behind <paramref name="handle"/>.</summary>
    /// <param name="handle">A program descriptor.</param>
    /// <returns>The info.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="BpfException">EINVAL: the descriptor is not a program.</exception>
    public static unsafe BpfProgramInfo FromHandle(BpfHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        BpfFdInfo fdinfo = BpfFdInfo.Read(handle); // one read: the kind of descriptor, and memlock for the info
        if (fdinfo.GetValue("prog_type") is null)
        {
            throw BpfErrors.Create(Interop.Errno.EINVAL, BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor} (not a BPF program)");
        }

        ObjectIds.Check(ProgGetInfo(handle, out bpf_prog_info info, out uint[] mapIds, out uint functionTypeId), BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor}");
        return new BpfProgramInfo
        {
            Id = info.id,
            Type = (BpfProgramType)info.type,
            Name = Encoding.ASCII.GetString(new ReadOnlySpan<byte>(info.name, BPF_OBJ_NAME_LEN)).TrimEnd('\0'),
            Tag = Convert.ToHexStringLower(new ReadOnlySpan<byte>(info.tag, BPF_TAG_SIZE)),
            IsGplCompatible = (info.gpl_compatible & 1) != 0,
            LoadTime = info.load_time,
            CreatedByUid = info.created_by_uid,
            TranslatedSize = info.xlated_prog_len,
            JitedSize = info.jited_prog_len,
            MapIds = mapIds,
            BtfId = info.btf_id,
            BtfFunctionTypeId = functionTypeId,
            RunTimeNanoseconds = info.run_time_ns,
            RunCount = info.run_cnt,
            RecursionMisses = info.recursion_misses,
            InterfaceIndex = (int)info.ifindex,
            MemoryLockedBytes = fdinfo.TryGetNumber("memlock", out long memlock) ? memlock : null,
        };
    }

    /// <summary>The info of every loaded program; programs unloaded while they are listed are left out.</summary>
    /// <returns>The programs, by id.</returns>
    /// <exception cref="BpfException">EPERM: enumerating needs CAP_SYS_ADMIN.</exception>
    public static IReadOnlyList<BpfProgramInfo> GetAll() => ObjectIds.ReadAll(GetAllIds(), ProgGetFdById, BpfCommand.ProgGetFdById, FromHandle);
}
