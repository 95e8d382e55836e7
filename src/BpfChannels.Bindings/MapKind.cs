namespace BpfChannels.Bindings;

/// <summary>How a map is exposed: which typed wrapper fits its BPF map type.</summary>
internal static class MapKind
{
    internal const uint MmapableFlag = 1u << 10;

    internal static bool IsPerCpu(int type) => type is 5 or 6 or 10;

    internal static bool IsQueue(int type) => type is 22 or 23;

    internal static bool IsMapOfMaps(int type) => type is 12 or 13;

    internal static bool IsRecordBuffer(int type) => type is 4 or 27 or 31;

    /// <summary>Key/value maps: hash, array, program array, stack trace, cgroup array, LRU hash, device, socket, CPU and XSK maps.</summary>
    internal static bool IsKeyValue(int type) => type is 1 or 2 or 3 or 7 or 8 or 9 or 11 or 14 or 15 or 16 or 17 or 18 or 25;

    internal static string Name(int type) => type switch
    {
        1 => "Hash",
        2 => "Array",
        3 => "ProgramArray",
        4 => "PerfEventArray",
        5 => "PerCpuHash",
        6 => "PerCpuArray",
        7 => "StackTrace",
        8 => "CgroupArray",
        9 => "LruHash",
        10 => "LruPerCpuHash",
        11 => "LpmTrie",
        12 => "ArrayOfMaps",
        13 => "HashOfMaps",
        14 => "DevMap",
        15 => "SockMap",
        16 => "CpuMap",
        17 => "XskMap",
        18 => "SockHash",
        19 => "CgroupStorage",
        20 => "ReuseportSockArray",
        21 => "PerCpuCgroupStorage",
        22 => "Queue",
        23 => "Stack",
        24 => "SkStorage",
        25 => "DevMapHash",
        26 => "StructOps",
        27 => "RingBuffer",
        28 => "InodeStorage",
        29 => "TaskStorage",
        30 => "BloomFilter",
        31 => "UserRingBuffer",
        32 => "CgroupStorageLocal",
        33 => "Arena",
        _ => "Unspecified",
    };
}
