using System;
using System.Collections.Generic;
using System.Text;

namespace BpfChannels.Bindings;

/// <summary>The BTF kinds (BTF_KIND_* in linux/btf.h).</summary>
internal enum BtfKind
{
    Void = 0,
    Int = 1,
    Ptr = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Fwd = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Func = 12,
    FuncProto = 13,
    Var = 14,
    Datasec = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}

/// <summary>One BTF type with the parts of its kind-specific data the bindings use.</summary>
internal sealed class BtfType
{
    internal BtfType(int id, BtfKind kind, string name, bool kindFlag, uint sizeOrType)
    {
        Id = id;
        Kind = kind;
        Name = name;
        KindFlag = kindFlag;
        SizeOrType = sizeOrType;
    }

    internal int Id { get; }

    internal BtfKind Kind { get; }

    internal string Name { get; }

    internal bool KindFlag { get; }

    /// <summary>The size (INT, STRUCT, UNION, ENUM, DATASEC, FLOAT) or the referenced type id (PTR, TYPEDEF, qualifiers, VAR, FUNC).</summary>
    internal uint SizeOrType { get; }

    /// <summary>INT: the encoding byte (1 signed, 2 char, 4 bool).</summary>
    internal uint IntEncoding { get; set; }

    /// <summary>INT: the bit offset and number of bits (bitfields in old-style BTF).</summary>
    internal uint IntOffset { get; set; }

    internal uint IntBits { get; set; }

    /// <summary>ARRAY: element type and element count.</summary>
    internal int ArrayElement { get; set; }

    internal uint ArrayLength { get; set; }

    /// <summary>STRUCT/UNION members; DATASEC variables (type id, offset in bytes, size); ENUM values.</summary>
    internal List<BtfMember> Members { get; } = new List<BtfMember>();

    /// <summary>VAR: its linkage (0 static, 1 global, 2 extern).</summary>
    internal uint Linkage { get; set; }
}

/// <summary>A STRUCT/UNION member (offset in bits), a DATASEC variable (offset in bytes) or an ENUM value.</summary>
internal sealed class BtfMember
{
    internal BtfMember(string name, int type, uint offset, uint bitfieldSize, long value)
    {
        Name = name;
        Type = type;
        Offset = offset;
        BitfieldSize = bitfieldSize;
        Value = value;
    }

    internal string Name { get; }

    internal int Type { get; }

    internal uint Offset { get; set; }

    internal uint BitfieldSize { get; set; }

    /// <summary>ENUM/ENUM64: the value (as stored; ENUM64 values are 64-bit); DATASEC: the variable's size.</summary>
    internal long Value { get; set; }
}

/// <summary>Parses the <c>.BTF</c> section of an object: header, type section, string section (linux/btf.h).</summary>
internal static class BtfReader
{
    private const ushort Magic = 0xEB9F;

    internal static List<BtfType> Read(ArraySegment<byte> section)
    {
        byte[] b = section.Array!;
        int start = section.Offset;
        int end = start + section.Count;
        uint U32(long at) => at + 4 <= end
            ? (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24))
            : throw new FormatException("its .BTF section is truncated");

        if (section.Count < 24 || (b[start] | (b[start + 1] << 8)) != Magic)
        {
            throw new FormatException("its .BTF section does not start with the BTF magic 0xEB9F");
        }

        uint headerLength = U32(start + 4);
        long types = start + headerLength + U32(start + 8);
        long typesEnd = types + U32(start + 12);
        long strings = start + headerLength + U32(start + 16);
        long stringsEnd = strings + U32(start + 20);
        if (typesEnd > end || stringsEnd > end)
        {
            throw new FormatException("its .BTF header points outside the section");
        }

        string Str(uint offset)
        {
            long at = strings + offset;
            if (at >= stringsEnd)
            {
                throw new FormatException($"a BTF name offset ({offset}) lies outside the string section");
            }

            long stop = at;
            while (stop < stringsEnd && b[stop] != 0)
            {
                stop++;
            }

            return Encoding.UTF8.GetString(b, (int)at, (int)(stop - at));
        }

        var result = new List<BtfType> { new BtfType(0, BtfKind.Void, string.Empty, false, 0) };
        long p = types;
        while (p < typesEnd)
        {
            uint info = U32(p + 4);
            var kind = (BtfKind)((info >> 24) & 0x1F);
            int vlen = (int)(info & 0xFFFF);
            var type = new BtfType(result.Count, kind, Str(U32(p)), (info >> 31) != 0, U32(p + 8));
            p += 12;
            switch (kind)
            {
                case BtfKind.Int:
                    uint encoding = U32(p);
                    type.IntEncoding = (encoding >> 24) & 0x0F;
                    type.IntOffset = (encoding >> 16) & 0xFF;
                    type.IntBits = encoding & 0xFF;
                    p += 4;
                    break;
                case BtfKind.Array:
                    type.ArrayElement = (int)U32(p);
                    type.ArrayLength = U32(p + 8);
                    p += 12;
                    break;
                case BtfKind.Struct:
                case BtfKind.Union:
                    for (int i = 0; i < vlen; i++, p += 12)
                    {
                        uint offset = U32(p + 8);
                        type.Members.Add(type.KindFlag
                            ? new BtfMember(Str(U32(p)), (int)U32(p + 4), offset & 0xFFFFFF, offset >> 24, 0)
                            : new BtfMember(Str(U32(p)), (int)U32(p + 4), offset, 0, 0));
                    }

                    break;
                case BtfKind.Enum:
                    for (int i = 0; i < vlen; i++, p += 8)
                    {
                        uint raw = U32(p + 4);
                        type.Members.Add(new BtfMember(Str(U32(p)), 0, 0, 0, type.KindFlag ? (int)raw : raw));
                    }

                    break;
                case BtfKind.Enum64:
                    for (int i = 0; i < vlen; i++, p += 12)
                    {
                        type.Members.Add(new BtfMember(Str(U32(p)), 0, 0, 0, (long)(U32(p + 4) | ((ulong)U32(p + 8) << 32))));
                    }

                    break;
                case BtfKind.FuncProto:
                    p += 8L * vlen;
                    break;
                case BtfKind.Var:
                    type.Linkage = U32(p);
                    p += 4;
                    break;
                case BtfKind.Datasec:
                    for (int i = 0; i < vlen; i++, p += 12)
                    {
                        type.Members.Add(new BtfMember(string.Empty, (int)U32(p), U32(p + 4), 0, U32(p + 8)));
                    }

                    break;
                case BtfKind.DeclTag:
                    p += 4;
                    break;
                case BtfKind.Ptr:
                case BtfKind.Fwd:
                case BtfKind.Typedef:
                case BtfKind.Volatile:
                case BtfKind.Const:
                case BtfKind.Restrict:
                case BtfKind.Func:
                case BtfKind.Float:
                case BtfKind.TypeTag:
                    break;
                default:
                    throw new FormatException($"BTF type {result.Count} has an unknown kind {(int)kind}");
            }

            result.Add(type);
        }

        return result;
    }
}
