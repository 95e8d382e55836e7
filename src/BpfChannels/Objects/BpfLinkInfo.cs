using System.Buffers.Binary;
using static BpfChannels.Interop.Bpf;

namespace BpfChannels;

/// <summary>What the kernel reports about a link (BPF_OBJ_GET_INFO_BY_FD), as <c>bpftool link show</c> lists it.</summary>
/// <remarks>Enumerating and opening links by id needs CAP_SYS_ADMIN. Requires Linux 5.8 or later.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed record BpfLinkInfo
{
    /// <summary>bpf_link_type values whose details this record carries.</summary>
    private const uint RawTracepoint = 1, Tracing = 2, Cgroup = 3, Iter = 4, Netns = 5, Xdp = 6;

    /// <summary>The link id (system-wide).</summary>
    public required uint Id { get; init; }

    /// <summary>The link type (enum bpf_link_type: 1 raw_tracepoint, 2 tracing, 3 cgroup, 4 iter, 5 netns, 6 xdp, 7 perf_event...).</summary>
    public required uint Type { get; init; }

    /// <summary>The id of the attached program.</summary>
    public required uint ProgramId { get; init; }

    /// <summary>The attach type (enum bpf_attach_type) of tracing, cgroup and netns links, else null.</summary>
    public uint? AttachType { get; init; }

    /// <summary>The tracepoint of a raw_tracepoint link, else null.</summary>
    public string? TracepointName { get; init; }

    /// <summary>The cgroup id of a cgroup link (or a cgroup iterator), else null.</summary>
    public ulong? CgroupId { get; init; }

    /// <summary>The network namespace inode of a netns link, else null.</summary>
    public uint? NetnsInode { get; init; }

    /// <summary>The interface of an xdp link, else null.</summary>
    public int? InterfaceIndex { get; init; }

    /// <summary>The iterator target of an iter link (bpf_map_elem, task...), else null.</summary>
    public string? IteratorTarget { get; init; }

    /// <summary>The map id of a map element iterator, else null.</summary>
    public uint? IteratorMapId { get; init; }

    /// <summary>The ids of every link (BPF_LINK_GET_NEXT_ID).</summary>
    /// <returns>The ids in increasing order.</returns>
    /// <exception cref="BpfException">EPERM: enumerating needs CAP_SYS_ADMIN.</exception>
    public static IReadOnlyList<uint> GetAllIds() => ObjectIds.GetAll(LinkGetNextId, BpfCommand.LinkGetNextId);

    /// <summary>Opens the link with id <paramref name="id"/> (BPF_LINK_GET_FD_BY_ID).</summary>
    /// <param name="id">The link id.</param>
    /// <returns>Its descriptor; the caller disposes it (the link stays while anything else holds it).</returns>
    /// <exception cref="BpfException">ENOENT (no such link), EPERM, or another error.</exception>
    public static BpfHandle OpenById(uint id) => ObjectIds.Open(LinkGetFdById, BpfCommand.LinkGetFdById, id);

    /// <summary>Opens the link pinned at <paramref name="path"/> (BPF_OBJ_GET).</summary>
    /// <param name="path">The pin path on bpffs.</param>
    /// <returns>Its descriptor; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="BpfException">ENOENT (nothing pinned there), EINVAL (not a link), or another error.</exception>
    public static BpfHandle OpenPinned(string path) => ObjectIds.OpenPinned(path, handle => FromHandle(handle));

    /// <summary>Reads the info of the link behind <paramref name="handle"/>.</summary>
    /// <param name="handle">A link descriptor.</param>
    /// <returns>The info.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="BpfException">EINVAL: the descriptor is not a link.</exception>
    public static unsafe BpfLinkInfo FromHandle(BpfHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (BpfFdInfo.Read(handle).GetValue("link_type") is null)
        {
            throw BpfErrors.Create(Interop.Errno.EINVAL, BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor} (not a BPF link)");
        }

        ObjectIds.Check(LinkGetInfo(handle, out bpf_link_info info, out string text), BpfCommand.ObjGetInfoByFd, $"fd {handle.FileDescriptor}");
        byte[] union = new ReadOnlySpan<byte>(info.union, LinkUnionSize).ToArray();
        uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(union.AsSpan(offset));
        ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(union.AsSpan(offset));
        string Name() => text;
        return info.type switch
        {
            RawTracepoint => new BpfLinkInfo { Id = info.id, Type = info.type, ProgramId = info.prog_id, TracepointName = Name() },
            Tracing => new BpfLinkInfo { Id = info.id, Type = info.type, ProgramId = info.prog_id, AttachType = U32(0) },
            Cgroup => new BpfLinkInfo { Id = info.id, Type = info.type, ProgramId = info.prog_id, CgroupId = U64(0), AttachType = U32(8) },
            Iter => new BpfLinkInfo
            {
                Id = info.id,
                Type = info.type,
                ProgramId = info.prog_id,
                IteratorTarget = Name(),
                IteratorMapId = Name() is "bpf_map_elem" or "bpf_sk_storage_map" ? U32(12) : null,
                CgroupId = Name() == "cgroup" ? U64(16) : null,
            },
            Netns => new BpfLinkInfo { Id = info.id, Type = info.type, ProgramId = info.prog_id, NetnsInode = U32(0), AttachType = U32(4) },
            Xdp => new BpfLinkInfo { Id = info.id, Type = info.type, ProgramId = info.prog_id, InterfaceIndex = (int)U32(0) },
            _ => new BpfLinkInfo { Id = info.id, Type = info.type, ProgramId = info.prog_id },
        };
    }

    /// <summary>The info of every link; links that go away while they are listed are left out.</summary>
    /// <returns>The links, by id.</returns>
    /// <exception cref="BpfException">EPERM: enumerating needs CAP_SYS_ADMIN.</exception>
    public static IReadOnlyList<BpfLinkInfo> GetAll() => ObjectIds.ReadAll(GetAllIds(), LinkGetFdById, BpfCommand.LinkGetFdById, FromHandle);
}
