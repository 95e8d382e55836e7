using System.Buffers.Binary;
using System.Text;

namespace BpfChannels;

/// <summary>
/// What the twin needs from a spec's BTF: where the value's <c>struct bpf_spin_lock</c> is, if it has one. The
/// BTF object is found by its id (from the descriptor's fdinfo) and read back, so this runs only for specs that
/// carry kernel BTF.
/// </summary>
internal static class TwinBtf
{
    private const int KindInt = 1;
    private const int KindArray = 3;
    private const int KindStruct = 4;
    private const int KindUnion = 5;
    private const int KindEnum = 6;
    private const int KindTypedef = 8;
    private const int KindVolatile = 9;
    private const int KindConst = 10;
    private const int KindRestrict = 11;
    private const int KindFuncProto = 13;
    private const int KindVar = 14;
    private const int KindDatasec = 15;
    private const int KindDeclTag = 17;
    private const int KindTypeTag = 18;
    private const int KindEnum64 = 19;

    /// <summary>The byte offset of the spin lock among the value's top-level members, or -1.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "CA1416", Justification = "Only a spec with a kernel BTF object (created on Linux) reaches the BTF read.")]
    internal static int SpinLockOffset(BpfMapSpec spec)
    {
        if (spec.Btf is null || spec.BtfValueTypeId == 0)
        {
            return -1;
        }

        using BpfBtf btf = BpfBtf.OpenById(ReadBtfId(spec.Btf));
        return FindSpinLock(btf.GetRawData(), spec.BtfValueTypeId);
    }

    /// <summary>Parses raw BTF and finds the spin lock member of struct type <paramref name="typeId"/>.</summary>
    internal static int FindSpinLock(ReadOnlySpan<byte> raw, uint typeId)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(4));
        int typeOffset = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(8));
        int typeLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(12));
        int stringOffset = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(16));
        ReadOnlySpan<byte> types = raw.Slice(typeOffset, typeLength);
        ReadOnlySpan<byte> strings = raw.Slice(stringOffset);

        var offsets = new List<int> { -1 }; // type id -> offset of its btf_type in the type section
        for (int at = 0; at < types.Length;)
        {
            offsets.Add(at);
            uint info = BinaryPrimitives.ReadUInt32LittleEndian(types.Slice(at + 4));
            at += 12 + TrailerLength((int)((info >> 24) & 0x1f), (int)(info & 0xffff));
        }

        uint value = Resolve(types, offsets, typeId);
        if (value == 0 || value >= offsets.Count || Kind(types, offsets, value) != KindStruct)
        {
            return -1;
        }

        int type = offsets[(int)value];
        uint structInfo = BinaryPrimitives.ReadUInt32LittleEndian(types.Slice(type + 4));
        bool bitfields = (structInfo >> 31) != 0;
        int members = (int)(structInfo & 0xffff);
        for (int i = 0; i < members; i++)
        {
            ReadOnlySpan<byte> member = types.Slice(type + 12 + (i * 12), 12);
            uint memberType = Resolve(types, offsets, BinaryPrimitives.ReadUInt32LittleEndian(member.Slice(4)));
            if (memberType == 0 || memberType >= offsets.Count || Kind(types, offsets, memberType) != KindStruct)
            {
                continue;
            }

            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(types.Slice(offsets[(int)memberType]));
            if (Name(strings, nameOffset) == "bpf_spin_lock")
            {
                uint bitOffset = BinaryPrimitives.ReadUInt32LittleEndian(member.Slice(8));
                return (int)((bitfields ? bitOffset & 0xffffff : bitOffset) / 8);
            }
        }

        return -1;
    }

    private static int TrailerLength(int kind, int vlen) => kind switch
    {
        KindInt or KindVar or KindDeclTag => 4,
        KindArray => 12,
        KindStruct or KindUnion or KindDatasec or KindEnum64 => vlen * 12,
        KindEnum or KindFuncProto => vlen * 8,
        _ => 0,
    };

    private static int Kind(ReadOnlySpan<byte> types, List<int> offsets, uint id) =>
        (int)((BinaryPrimitives.ReadUInt32LittleEndian(types.Slice(offsets[(int)id] + 4)) >> 24) & 0x1f);

    /// <summary>Follows typedefs and qualifiers to the underlying type.</summary>
    private static uint Resolve(ReadOnlySpan<byte> types, List<int> offsets, uint id)
    {
        for (int depth = 0; depth < 32 && id != 0 && id < offsets.Count; depth++)
        {
            if (Kind(types, offsets, id) is not (KindTypedef or KindVolatile or KindConst or KindRestrict or KindTypeTag))
            {
                return id;
            }

            id = BinaryPrimitives.ReadUInt32LittleEndian(types.Slice(offsets[(int)id] + 8));
        }

        return id;
    }

    private static string Name(ReadOnlySpan<byte> strings, uint offset)
    {
        ReadOnlySpan<byte> rest = strings.Slice((int)offset);
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest.Slice(0, end));
    }

    /// <summary>The id of the BTF object behind a descriptor, from /proc/self/fdinfo ("btf_id:").</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static uint ReadBtfId(BpfHandle btf) =>
        uint.TryParse(BpfFdInfo.Read(btf).GetValue("btf_id"), out uint id)
            ? id
            : throw new ArgumentException("The spec's Btf descriptor is not a BTF object.", nameof(btf));
}
