using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>
/// Reads a map's BTF (raw type section) and writes keys and values by their declared types: integers,
/// enums, structs and unions by member, arrays (char arrays as strings), typedefs and qualifiers resolved.
/// </summary>
internal sealed class BtfFormatter
{
    private const int KindInt = 1, KindPtr = 2, KindArray = 3, KindStruct = 4, KindUnion = 5, KindEnum = 6, KindFwd = 7, KindTypedef = 8;
    private const int KindVolatile = 9, KindConst = 10, KindRestrict = 11, KindFunc = 12, KindFuncProto = 13, KindVar = 14, KindDatasec = 15;
    private const int KindFloat = 16, KindDeclTag = 17, KindTypeTag = 18, KindEnum64 = 19;

    private readonly byte[] _data;
    private readonly int _strings;
    private readonly List<int> _offsets = [0]; // type id -> offset of its btf_type in _data (id 0 is void)

    private BtfFormatter(byte[] data)
    {
        _data = data;
        ReadOnlySpan<byte> header = data;
        if (data.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(header) != 0xeB9F)
        {
            throw new InvalidDataException("Not BTF data.");
        }

        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        int typeOffset = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        int typeLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        _strings = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        for (int at = typeOffset; at < typeOffset + typeLength;)
        {
            _offsets.Add(at);
            at += 12 + ExtraLength(at);
        }
    }

    /// <summary>Loads the BTF of a map, or returns null when the map has none (or it cannot be read).</summary>
    public static BtfFormatter? TryLoad(BpfMapInfo info)
    {
        if (info.BtfId == 0 || info.BtfValueTypeId == 0)
        {
            return null;
        }

        try
        {
            using BpfBtf btf = BpfBtf.OpenById(info.BtfId);
            return new BtfFormatter(btf.GetRawData());
        }
        catch (Exception e) when (e is BpfException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The size of an integer type (after typedefs), or 0 if <paramref name="typeId"/> is not an integer.</summary>
    public int IntegerSize(uint typeId, out bool signed)
    {
        int at = _offsets[(int)Resolve(typeId)];
        signed = false;
        if (Kind(at) != KindInt)
        {
            return 0;
        }

        signed = (_data[at + 12 + 3] & 1) != 0;
        return (int)U32(at + 8);
    }

    public void WriteValue(Utf8JsonWriter json, uint typeId, ReadOnlySpan<byte> bytes)
    {
        typeId = Resolve(typeId);
        int at = _offsets[(int)typeId];
        switch (Kind(at))
        {
            case KindInt:
                WriteInteger(json, bytes, (int)U32(at + 8), (_data[at + 12 + 3] & 1) != 0);
                break;
            case KindEnum:
            case KindEnum64:
                long value = ReadSigned(bytes, (int)U32(at + 8));
                string? name = EnumName(at, value);
                if (name is null)
                {
                    json.WriteNumberValue(value);
                }
                else
                {
                    json.WriteStringValue(name);
                }

                break;
            case KindStruct:
            case KindUnion:
                json.WriteStartObject();
                bool bitfields = (U32(at + 4) & 0x80000000) != 0;
                for (int i = 0, m = at + 12; i < Vlen(at); i++, m += 12)
                {
                    uint offset = U32(m + 8);
                    int bitOffset = (int)(bitfields ? offset & 0xFFFFFF : offset);
                    string member = Name(U32(m));
                    json.WritePropertyName(member.Length == 0 ? "_" + i.ToString(CultureInfo.InvariantCulture) : member);
                    int size = SizeOf(U32(m + 4));
                    int start = bitOffset / 8;
                    if (bitOffset % 8 != 0 || start + size > bytes.Length || (bitfields && (offset >> 24) != 0))
                    {
                        json.WriteStringValue(Convert.ToHexString(bytes.Slice(Math.Min(start, bytes.Length), Math.Min(size, Math.Max(0, bytes.Length - start)))).ToLowerInvariant());
                        continue;
                    }

                    WriteValue(json, U32(m + 4), bytes.Slice(start, size));
                }

                json.WriteEndObject();
                break;
            case KindArray:
                uint element = U32(at + 12);
                int count = (int)U32(at + 20);
                int elementSize = SizeOf(element);
                if (elementSize == 1 && IntegerSize(element, out _) == 1 && IsChar(element))
                {
                    ReadOnlySpan<byte> text = bytes[..Math.Min(count, bytes.Length)];
                    int end = text.IndexOf((byte)0);
                    json.WriteStringValue(Encoding.UTF8.GetString(end >= 0 ? text[..end] : text));
                    break;
                }

                json.WriteStartArray();
                for (int i = 0; i < count && (i + 1) * elementSize <= bytes.Length; i++)
                {
                    WriteValue(json, element, bytes.Slice(i * elementSize, elementSize));
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToHexString(bytes).ToLowerInvariant());
                break;
        }
    }

    private static void WriteInteger(Utf8JsonWriter json, ReadOnlySpan<byte> bytes, int size, bool signed)
    {
        if (size > 8 || bytes.Length < size)
        {
            json.WriteStringValue(Convert.ToHexString(bytes).ToLowerInvariant());
        }
        else if (signed)
        {
            json.WriteNumberValue(ReadSigned(bytes, size));
        }
        else
        {
            ulong value = 0;
            for (int i = size - 1; i >= 0; i--)
            {
                value = (value << 8) | bytes[i];
            }

            json.WriteNumberValue(value);
        }
    }

    private static long ReadSigned(ReadOnlySpan<byte> bytes, int size) => size switch
    {
        1 => (sbyte)bytes[0],
        2 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
    };

    private bool IsChar(uint typeId)
    {
        int at = _offsets[(int)Resolve(typeId)];
        return Kind(at) == KindInt && ((_data[at + 12 + 3] & 2) != 0 || Name(U32(at)) is "char" or "unsigned char" or "signed char");
    }

    private string? EnumName(int at, long value)
    {
        bool wide = Kind(at) == KindEnum64;
        for (int i = 0, e = at + 12; i < Vlen(at); i++, e += wide ? 12 : 8)
        {
            long candidate = wide ? (long)(U32(e + 4) | ((ulong)U32(e + 8) << 32)) : (int)U32(e + 4);
            if (candidate == value)
            {
                return Name(U32(e));
            }
        }

        return null;
    }

    private int SizeOf(uint typeId)
    {
        typeId = Resolve(typeId);
        if (typeId == 0)
        {
            return 0;
        }

        int at = _offsets[(int)typeId];
        return Kind(at) switch
        {
            KindInt or KindStruct or KindUnion or KindEnum or KindEnum64 or KindFloat or KindDatasec => (int)U32(at + 8),
            KindPtr => 8,
            KindArray => SizeOf(U32(at + 12)) * (int)U32(at + 20),
            _ => 0,
        };
    }

    private uint Resolve(uint typeId)
    {
        for (int guard = 0; guard < 32 && typeId != 0 && typeId < _offsets.Count; guard++)
        {
            int at = _offsets[(int)typeId];
            if (Kind(at) is not (KindTypedef or KindVolatile or KindConst or KindRestrict or KindTypeTag or KindVar))
            {
                return typeId;
            }

            typeId = U32(at + 8);
        }

        return typeId < _offsets.Count ? typeId : 0;
    }

    private int ExtraLength(int at) => Kind(at) switch
    {
        KindInt or KindVar or KindDeclTag => 4,
        KindArray => 12,
        KindStruct or KindUnion => 12 * Vlen(at),
        KindEnum or KindFuncProto => 8 * Vlen(at),
        KindDatasec or KindEnum64 => 12 * Vlen(at),
        _ => 0,
    };

    private int Kind(int at) => (int)((U32(at + 4) >> 24) & 0x1f);

    private int Vlen(int at) => (int)(U32(at + 4) & 0xffff);

    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(at));

    private string Name(uint offset)
    {
        ReadOnlySpan<byte> rest = _data.AsSpan(_strings + (int)offset);
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? rest[..end] : rest);
    }
}
