using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>
/// Reads raw BTF (a map's, a program's or an object file's) and writes data by its declared type with the rules of
/// bpftool's BTF dumper, so <c>formatted</c> output parses to the same JSON: integers as numbers (bitfields and
/// 128-bit integers as "0x..." strings, chars as one-character strings, bools as booleans), enums by name, structs
/// and unions by member, printable NUL-terminated char arrays as strings, typedefs and qualifiers resolved.
/// </summary>
internal sealed class BtfFormatter
{
    private const int KindInt = 1, KindPtr = 2, KindArray = 3, KindStruct = 4, KindUnion = 5, KindEnum = 6, KindTypedef = 8;
    private const int KindVolatile = 9, KindConst = 10, KindRestrict = 11, KindFuncProto = 13, KindVar = 14, KindDatasec = 15;
    private const int KindDeclTag = 17, KindTypeTag = 18, KindEnum64 = 19;
    private const int EncodingSigned = 1, EncodingChar = 2, EncodingBool = 4;

    private readonly byte[] _data;
    private readonly int _strings;
    private readonly List<int> _offsets = [0]; // type id -> offset of its btf_type in _data (id 0 is void)

    public BtfFormatter(byte[] data)
    {
        _data = data;
        ReadOnlySpan<byte> header = data;
        if (data.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(header) != 0xeB9F)
        {
            throw new InvalidDataException("Not BTF data (no 0xeB9F magic).");
        }

        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        int typeOffset = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        int typeLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        _strings = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        if (typeOffset + typeLength > data.Length || _strings > data.Length)
        {
            throw new InvalidDataException("Truncated BTF data.");
        }

        for (int at = typeOffset; at < typeOffset + typeLength;)
        {
            _offsets.Add(at);
            at += 12 + ExtraLength(at);
        }
    }

    /// <summary>Loads the BTF of a map, or returns null when the map has no value type (as bpftool decides).</summary>
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

    /// <summary>The id of the struct, union, typedef or enum named <paramref name="name"/>, or 0.</summary>
    public uint FindType(string name)
    {
        for (int id = 1; id < _offsets.Count; id++)
        {
            int kind = Kind(_offsets[id]);
            if (kind is KindStruct or KindUnion or KindTypedef or KindEnum or KindEnum64 or KindInt && Name(U32(_offsets[id])) == name)
            {
                return (uint)id;
            }
        }

        return 0;
    }

    /// <summary>The name of type <paramref name="typeId"/> (a function's, a struct's), or null.</summary>
    public string? TypeName(uint typeId) => typeId > 0 && typeId < _offsets.Count ? Name(U32(_offsets[(int)typeId])) : null;

    /// <summary>The size in bytes of a type, or 0 for void and kinds without a size.</summary>
    public int SizeOf(uint typeId)
    {
        typeId = Resolve(typeId);
        if (typeId == 0)
        {
            return 0;
        }

        int at = _offsets[(int)typeId];
        return Kind(at) switch
        {
            KindInt or KindStruct or KindUnion or KindEnum or KindEnum64 or KindDatasec or 16 => (int)U32(at + 8),
            KindPtr => 8,
            KindArray => SizeOf(U32(at + 12)) * (int)U32(at + 20),
            _ => 0,
        };
    }

    /// <summary>The size of an integer type (after typedefs), or 0 if <paramref name="typeId"/> is not a whole-byte integer.</summary>
    public int IntegerSize(uint typeId, out bool signed)
    {
        int at = _offsets[(int)Resolve(typeId)];
        signed = false;
        if (Kind(at) != KindInt)
        {
            return 0;
        }

        uint encoding = U32(at + 12);
        signed = ((encoding >> 24) & EncodingSigned) != 0;
        int bits = (int)(encoding & 0xff);
        return ((encoding >> 16) & 0xff) == 0 && bits % 8 == 0 ? bits / 8 : 0;
    }

    public void WriteValue(Utf8JsonWriter json, uint typeId, ReadOnlySpan<byte> bytes) => Write(json, typeId, 0, bytes);

    private void Write(Utf8JsonWriter json, uint typeId, int bitOffset, ReadOnlySpan<byte> bytes)
    {
        typeId = Resolve(typeId);
        int at = _offsets[(int)typeId];
        switch (typeId == 0 ? 0 : Kind(at))
        {
            case KindInt:
                WriteInteger(json, U32(at + 12), bitOffset, bytes);
                break;
            case KindEnum:
                long value = (int)U32(at + 8) switch
                {
                    1 => (sbyte)bytes[0],
                    2 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
                    4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                    _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                };
                WriteEnum(json, at, value, 8);
                break;
            case KindEnum64:
                WriteEnum(json, at, BinaryPrimitives.ReadInt64LittleEndian(bytes), 12);
                break;
            case KindStruct:
            case KindUnion:
                WriteStruct(json, at, bytes);
                break;
            case KindArray:
                WriteArray(json, at, bytes);
                break;
            case KindPtr:
                json.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(bytes));
                break;
            case KindVar:
                json.WriteStartObject();
                json.WritePropertyName(Name(U32(at)));
                Write(json, U32(at + 8), bitOffset, bytes);
                json.WriteEndObject();
                break;
            case KindDatasec:
                json.WriteStartObject();
                json.WritePropertyName(Name(U32(at)));
                json.WriteStartArray();
                for (int i = 0, v = at + 12; i < Vlen(at); i++, v += 12)
                {
                    int offset = (int)U32(v + 4);
                    Write(json, U32(v), 0, bytes.Slice(offset, (int)U32(v + 8)));
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
            default:
                // Floats, functions and tags: bpftool cannot print these either; the bytes at least are exact.
                json.WriteStringValue(Hex(bytes));
                break;
        }
    }

    private static void WriteInteger(Utf8JsonWriter json, uint encoding, int bitOffset, ReadOnlySpan<byte> bytes)
    {
        int bits = (int)(encoding & 0xff);
        int offset = (int)((encoding >> 16) & 0xff);
        int kind = (int)(encoding >> 24) & 0xf;
        if (bitOffset != 0 || offset != 0 || bits % 8 != 0 || bits is not (8 or 16 or 32 or 64 or 128))
        {
            int total = bitOffset + offset;
            WriteBitfield(json, bits, total % 8, bytes[(total / 8)..]);
            return;
        }

        if (bits == 128)
        {
            WriteHex128(json, BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]), BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            return;
        }

        switch (kind)
        {
            case EncodingSigned:
                json.WriteNumberValue(bits switch
                {
                    8 => (sbyte)bytes[0],
                    16 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
                    32 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                    _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                });
                break;
            case EncodingChar:
                byte c = bytes[0];
                json.WriteStringValue(((char)c).ToString());
                break;
            case EncodingBool:
                json.WriteBooleanValue(bytes[0] != 0);
                break;
            default:
                json.WriteNumberValue(bits switch
                {
                    8 => bytes[0],
                    16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                    32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                    _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
                });
                break;
        }
    }

    /// <summary>A bitfield as bpftool prints it: the bits shifted down, in hex.</summary>
    private static void WriteBitfield(Utf8JsonWriter json, int bits, int bitOffset, ReadOnlySpan<byte> bytes)
    {
        Span<byte> raw = stackalloc byte[16];
        raw.Clear();
        int length = Math.Min((bitOffset + bits + 7) / 8, Math.Min(16, bytes.Length));
        bytes[..length].CopyTo(raw);
        UInt128 value = BinaryPrimitives.ReadUInt128LittleEndian(raw) >> bitOffset;
        if (bits < 128)
        {
            value &= (UInt128.One << bits) - 1;
        }

        WriteHex128(json, (ulong)(value >> 64), (ulong)value);
    }

    private static void WriteHex128(Utf8JsonWriter json, ulong upper, ulong lower) =>
        json.WriteStringValue(upper == 0
            ? "0x" + lower.ToString("x", CultureInfo.InvariantCulture)
            : "0x" + upper.ToString("x", CultureInfo.InvariantCulture) + lower.ToString("x16", CultureInfo.InvariantCulture));

    private void WriteEnum(Utf8JsonWriter json, int at, long value, int entrySize)
    {
        for (int i = 0, e = at + 12; i < Vlen(at); i++, e += entrySize)
        {
            long candidate = entrySize == 12 ? (long)(U32(e + 4) | ((ulong)U32(e + 8) << 32)) : (int)U32(e + 4);
            if (candidate == value)
            {
                json.WriteStringValue(Name(U32(e)));
                return;
            }
        }

        json.WriteNumberValue(value);
    }

    private void WriteStruct(Utf8JsonWriter json, int at, ReadOnlySpan<byte> bytes)
    {
        json.WriteStartObject();
        bool kindFlag = (U32(at + 4) & 0x80000000) != 0;
        for (int i = 0, m = at + 12; i < Vlen(at); i++, m += 12)
        {
            uint offset = U32(m + 8);
            int bitfieldSize = kindFlag ? (int)(offset >> 24) : 0;
            int bitOffset = (int)(kindFlag ? offset & 0xFFFFFF : offset);
            json.WritePropertyName(Name(U32(m)));
            ReadOnlySpan<byte> member = bytes[(bitOffset / 8)..];
            if (bitfieldSize != 0)
            {
                WriteBitfield(json, bitfieldSize, bitOffset % 8, member);
            }
            else
            {
                int size = SizeOf(U32(m + 4));
                Write(json, U32(m + 4), bitOffset % 8, member[..Math.Min(Math.Max(size, 1) + (bitOffset % 8 == 0 ? 0 : 1), member.Length)]);
            }
        }

        json.WriteEndObject();
    }

    private void WriteArray(Utf8JsonWriter json, int at, ReadOnlySpan<byte> bytes)
    {
        uint element = U32(at + 12);
        int count = (int)U32(at + 20);
        if (IsString(element, count, bytes, out int length))
        {
            json.WriteStringValue(Encoding.ASCII.GetString(bytes[..length]));
            return;
        }

        int elementSize = SizeOf(element);
        json.WriteStartArray();
        for (int i = 0; i < count && (i + 1) * elementSize <= bytes.Length; i++)
        {
            Write(json, element, 0, bytes.Slice(i * elementSize, elementSize));
        }

        json.WriteEndArray();
    }

    /// <summary>bpftool's rule: a char array (qualifiers skipped, not typedefs) whose bytes are printable up to a NUL.</summary>
    private bool IsString(uint element, int count, ReadOnlySpan<byte> bytes, out int length)
    {
        length = 0;
        uint id = element;
        while (id != 0 && id < _offsets.Count && Kind(_offsets[(int)id]) is KindVolatile or KindConst or KindRestrict or KindTypeTag)
        {
            id = U32(_offsets[(int)id] + 8);
        }

        if (count == 0 || id == 0 || id >= _offsets.Count)
        {
            return false;
        }

        int at = _offsets[(int)id];
        if (Kind(at) != KindInt || U32(at + 8) != 1 || (((U32(at + 12) >> 24) & EncodingChar) == 0 && Name(U32(at)) != "char"))
        {
            return false;
        }

        for (int i = 0; i < Math.Min(count, bytes.Length); i++)
        {
            if (bytes[i] == 0)
            {
                length = i;
                return true;
            }

            if (bytes[i] is <= 0x1f or >= 0x7f)
            {
                return false;
            }
        }

        return false;
    }

    private uint Resolve(uint typeId)
    {
        for (int guard = 0; guard < 32 && typeId != 0 && typeId < _offsets.Count; guard++)
        {
            int at = _offsets[(int)typeId];
            if (Kind(at) is not (KindTypedef or KindVolatile or KindConst or KindRestrict or KindTypeTag))
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

    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
