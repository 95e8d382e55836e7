using System.Numerics;

namespace BpfChannels;

/// <summary>
/// Every attribute BPF_MAP_CREATE takes. Validated by <see cref="Validate"/> before any syscall, with the
/// same rules the kernel applies where they can be checked in user space.
/// </summary>
public sealed record BpfMapSpec
{
    /// <summary>The longest map name the kernel accepts (BPF_OBJ_NAME_LEN - 1).</summary>
    public const int MaxNameLength = 15;

    /// <summary>The map type.</summary>
    public required BpfMapType Type { get; init; }

    /// <summary>Key size in bytes (0 for queue, stack, bloom filter, ring buffers).</summary>
    public int KeySize { get; init; }

    /// <summary>Value size in bytes (per CPU for per-CPU maps; 0 for ring buffers).</summary>
    public int ValueSize { get; init; }

    /// <summary>Maximum number of entries (for ring buffers: the size in bytes, a power of two multiple of the page size).
    /// For perf event arrays 0 means one per possible CPU.</summary>
    public int MaxEntries { get; init; }

    /// <summary>Creation flags.</summary>
    public BpfMapFlags Flags { get; init; }

    /// <summary>The map's name as the kernel shows it (at most 15 characters of [A-Za-z0-9_.]).</summary>
    public string? Name { get; init; }

    /// <summary>The NUMA node to allocate on; sets <see cref="BpfMapFlags.NumaNode"/>.</summary>
    public int? NumaNode { get; init; }

    /// <summary>For array-of-maps and hash-of-maps: a map with the inner maps' type and sizes.</summary>
    public BpfMap? InnerMap { get; init; }

    /// <summary>The network interface to offload the map to (map_ifindex), or 0.</summary>
    public int InterfaceIndex { get; init; }

    /// <summary>A BTF object describing the key and value (btf_fd), or <see langword="null"/>.</summary>
    public BpfHandle? Btf { get; init; }

    /// <summary>The BTF type id of the key.</summary>
    public uint BtfKeyTypeId { get; init; }

    /// <summary>The BTF type id of the value.</summary>
    public uint BtfValueTypeId { get; init; }

    /// <summary>The vmlinux BTF type id of the value (struct_ops maps).</summary>
    public uint BtfVmlinuxValueTypeId { get; init; }

    /// <summary>Per-type extra (bloom filter: number of hash functions; arena: the user address).</summary>
    public ulong MapExtra { get; init; }

    /// <summary>Whether values are stored once per possible CPU.</summary>
    public bool IsPerCpu => Type is BpfMapType.PerCpuHash or BpfMapType.PerCpuArray or BpfMapType.LruPerCpuHash or BpfMapType.PerCpuCgroupStorage;

    /// <summary>Checks the spec and returns it with defaults resolved (perf event array size).</summary>
    /// <returns>The spec to create.</returns>
    /// <exception cref="ArgumentException">An attribute is invalid; the message says which and why.</exception>
    public BpfMapSpec Validate()
    {
        if (!Enum.IsDefined(Type) || Type == BpfMapType.Unspecified)
        {
            throw new ArgumentException($"Map type {(int)Type} is not a BPF map type.", nameof(Type));
        }

        if (KeySize < 0 || ValueSize < 0 || MaxEntries < 0)
        {
            throw new ArgumentException($"Key size ({KeySize}), value size ({ValueSize}) and max entries ({MaxEntries}) must not be negative.");
        }

        if (Name is not null)
        {
            ValidateName(Name);
        }

        BpfMapSpec spec = this;
        switch (Type)
        {
            case BpfMapType.Queue:
            case BpfMapType.Stack:
            case BpfMapType.BloomFilter:
                Require(KeySize == 0, $"{Type} maps have no key: key size must be 0, not {KeySize}.", nameof(KeySize));
                Require(ValueSize > 0, $"{Type} maps need a value size greater than 0.", nameof(ValueSize));
                break;
            case BpfMapType.RingBuffer:
            case BpfMapType.UserRingBuffer:
                Require(KeySize == 0 && ValueSize == 0, $"{Type} maps have no key or value size; set MaxEntries to the buffer size in bytes.", nameof(KeySize));
                Require(MaxEntries > 0 && BitOperations.IsPow2(MaxEntries) && MaxEntries % Environment.SystemPageSize == 0,
                    $"{Type} size must be a power of two multiple of the page size ({Environment.SystemPageSize}), not {MaxEntries}.", nameof(MaxEntries));
                break;
            case BpfMapType.PerfEventArray:
                if (MaxEntries == 0)
                {
                    spec = this with { MaxEntries = BpfSystem.PossibleCpuCount };
                }

                Require(KeySize == 4 && ValueSize == 4, "Perf event arrays have 4-byte keys and values.", nameof(KeySize));
                break;
            case BpfMapType.Array:
            case BpfMapType.PerCpuArray:
            case BpfMapType.ProgramArray:
            case BpfMapType.CgroupArray:
            case BpfMapType.ArrayOfMaps:
                Require(KeySize == 4, $"{Type} maps are indexed by a u32: key size must be 4, not {KeySize}.", nameof(KeySize));
                break;
            case BpfMapType.LpmTrie:
                Require(KeySize > 4, "LPM trie keys are a u32 prefix length followed by at least one byte of data.", nameof(KeySize));
                Require((Flags & BpfMapFlags.NoPrealloc) != 0, "LPM tries must be created with BpfMapFlags.NoPrealloc.", nameof(Flags));
                break;
            default:
                break;
        }

        if (Type is not (BpfMapType.RingBuffer or BpfMapType.UserRingBuffer or BpfMapType.Queue or BpfMapType.Stack or BpfMapType.BloomFilter
            or BpfMapType.SkStorage or BpfMapType.InodeStorage or BpfMapType.TaskStorage or BpfMapType.CgroupStorageLocal
            or BpfMapType.CgroupStorage or BpfMapType.PerCpuCgroupStorage or BpfMapType.StructOps or BpfMapType.Arena))
        {
            Require(spec.KeySize > 0, $"{Type} maps need a key size greater than 0.", nameof(KeySize));
        }

        if (Type is not (BpfMapType.RingBuffer or BpfMapType.UserRingBuffer or BpfMapType.Arena or BpfMapType.StructOps))
        {
            Require(spec.ValueSize > 0 || Type is BpfMapType.SkStorage or BpfMapType.InodeStorage or BpfMapType.TaskStorage or BpfMapType.CgroupStorageLocal,
                $"{Type} maps need a value size greater than 0.", nameof(ValueSize));
        }

        bool maxEntriesMayBeZero = Type is BpfMapType.SkStorage or BpfMapType.InodeStorage or BpfMapType.TaskStorage
            or BpfMapType.CgroupStorageLocal or BpfMapType.CgroupStorage or BpfMapType.PerCpuCgroupStorage or BpfMapType.StructOps;
        Require(spec.MaxEntries > 0 || maxEntriesMayBeZero, $"{Type} maps need max entries greater than 0.", nameof(MaxEntries));

        if (Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps)
        {
            Require(InnerMap is not null, $"{Type} maps need an InnerMap template.", nameof(InnerMap));
            Require(ValueSize == 4, $"{Type} values are map descriptors: value size must be 4.", nameof(ValueSize));
        }

        if ((Flags & BpfMapFlags.Mmapable) != 0)
        {
            Require(Type is BpfMapType.Array or BpfMapType.Arena, "Only arrays (and arenas) can be created Mmapable.", nameof(Flags));
        }

        if (NumaNode is { } node && node < 0)
        {
            throw new ArgumentException("The NUMA node must not be negative.", nameof(NumaNode));
        }

        return spec;
    }

    /// <summary>Checks a map or program name against the kernel's rules.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentException">The name is too long or has a character the kernel refuses.</exception>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"The name '{name}' is {name.Length} characters long; the kernel allows at most {MaxNameLength}.", nameof(name));
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.'))
            {
                throw new ArgumentException($"The name '{name}' contains '{c}'; the kernel allows only letters, digits, '_' and '.'.", nameof(name));
            }
        }
    }

    private static void Require(bool condition, string message, string parameter)
    {
        if (!condition)
        {
            throw new ArgumentException(message, parameter);
        }
    }
}
