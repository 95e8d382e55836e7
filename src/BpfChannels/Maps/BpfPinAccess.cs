namespace BpfChannels;

/// <summary>How a pinned map (or a map opened by id) is opened: the file_flags of BPF_OBJ_GET.</summary>
public enum BpfPinAccess
{
    /// <summary>Read and write.</summary>
    ReadWrite = 0,

    /// <summary>Read only (BPF_F_RDONLY): writes fail with EPERM.</summary>
    ReadOnly = 1 << 3,

    /// <summary>Write only (BPF_F_WRONLY): lookups fail with EPERM.</summary>
    WriteOnly = 1 << 4,
}
