using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>How the tool reads and prints a key or value: u8..u64, i8..i64, ipv4, str, or hex bytes.</summary>
internal sealed class ValueType
{
    private ValueType(string name, int size)
    {
        Name = name;
        Size = size;
    }

    public string Name { get; }

    /// <summary>The size in bytes, or 0 when the type fits any size (hex, str).</summary>
    public int Size { get; }

    public static ValueType Hex { get; } = new("hex", 0);

    /// <summary>The unsigned integer type of a size (1, 2, 4 or 8 bytes), or hex bytes for any other size.</summary>
    public static ValueType ForSize(int size, bool signed = false) => size switch
    {
        1 or 2 or 4 or 8 => Parse((signed ? "i" : "u") + (size * 8).ToString(CultureInfo.InvariantCulture)),
        _ => Hex,
    };

    public bool IsInteger => Name[0] is 'u' or 'i';

    public bool IsSigned => Name[0] == 'i';

    public static ValueType Parse(string name) => name switch
    {
        "u8" or "i8" => new(name, 1),
        "u16" or "i16" => new(name, 2),
        "u32" or "i32" or "ipv4" => new(name, 4),
        "u64" or "i64" => new(name, 8),
        "hex" => Hex,
        "str" => new("str", 0),
        _ => throw new UsageException($"Unknown type '{name}': use u8, u16, u32, u64, i8, i16, i32, i64, ipv4, str or hex."),
    };

    public void CheckSize(int size, string what)
    {
        if (Size != 0 && Size != size)
        {
            throw new UsageException($"The map's {what}s are {size} bytes; type {Name} is {Size}.");
        }
    }

    /// <summary>Parses text into exactly <paramref name="size"/> bytes.</summary>
    public byte[] ToBytes(string text, int size)
    {
        byte[] bytes = new byte[size];
        if (IsInteger && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            // A hex number (0x2a), in the integer's width.
            text = Words.TryParseNumber(text, out ulong number) && (Size == 8 || number < 1UL << (Size * 8))
                ? (IsSigned ? unchecked((long)number) : (decimal)number).ToString(CultureInfo.InvariantCulture)
                : throw new UsageException($"'{text}' does not fit a {Name}.");
        }

        try
        {
            switch (Name)
            {
                case "u8": bytes[0] = byte.Parse(text, CultureInfo.InvariantCulture); break;
                case "i8": bytes[0] = (byte)sbyte.Parse(text, CultureInfo.InvariantCulture); break;
                case "u16": BinaryPrimitives.WriteUInt16LittleEndian(bytes, ushort.Parse(text, CultureInfo.InvariantCulture)); break;
                case "i16": BinaryPrimitives.WriteInt16LittleEndian(bytes, short.Parse(text, CultureInfo.InvariantCulture)); break;
                case "u32": BinaryPrimitives.WriteUInt32LittleEndian(bytes, uint.Parse(text, CultureInfo.InvariantCulture)); break;
                case "i32": BinaryPrimitives.WriteInt32LittleEndian(bytes, int.Parse(text, CultureInfo.InvariantCulture)); break;
                case "u64": BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.Parse(text, CultureInfo.InvariantCulture)); break;
                case "i64": BinaryPrimitives.WriteInt64LittleEndian(bytes, long.Parse(text, CultureInfo.InvariantCulture)); break;
                case "ipv4":
                    if (!IPAddress.TryParse(text, out IPAddress? address) || !address.TryWriteBytes(bytes, out int written) || written != 4)
                    {
                        throw new FormatException();
                    }

                    break;
                case "str":
                    byte[] utf8 = Encoding.UTF8.GetBytes(text);
                    if (utf8.Length > size)
                    {
                        throw new UsageException($"'{text}' is {utf8.Length} bytes; the map holds {size}.");
                    }

                    utf8.CopyTo(bytes, 0);
                    break;
                default:
                    string digits = text.Replace(" ", string.Empty, StringComparison.Ordinal);
                    digits = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? digits[2..] : digits;
                    byte[] raw = Convert.FromHexString(digits);
                    if (raw.Length != size)
                    {
                        throw new UsageException($"Hex '{text}' is {raw.Length} bytes; {size} are needed (bytes in memory order, e.g. 01000000 for u32 1, or as bpftool takes them: 'hex 01 00 00 00').");
                    }

                    return raw;
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"'{text}' is not a valid {Name}.");
        }

        return bytes;
    }

    public string Format(ReadOnlySpan<byte> bytes) => Name switch
    {
        "u8" => bytes[0].ToString(CultureInfo.InvariantCulture),
        "i8" => ((sbyte)bytes[0]).ToString(CultureInfo.InvariantCulture),
        "u16" => BinaryPrimitives.ReadUInt16LittleEndian(bytes).ToString(CultureInfo.InvariantCulture),
        "i16" => BinaryPrimitives.ReadInt16LittleEndian(bytes).ToString(CultureInfo.InvariantCulture),
        "u32" => BinaryPrimitives.ReadUInt32LittleEndian(bytes).ToString(CultureInfo.InvariantCulture),
        "i32" => BinaryPrimitives.ReadInt32LittleEndian(bytes).ToString(CultureInfo.InvariantCulture),
        "u64" => BinaryPrimitives.ReadUInt64LittleEndian(bytes).ToString(CultureInfo.InvariantCulture),
        "i64" => BinaryPrimitives.ReadInt64LittleEndian(bytes).ToString(CultureInfo.InvariantCulture),
        "ipv4" => new IPAddress(bytes[..4]).ToString(),
        "str" => Encoding.UTF8.GetString(bytes[..(bytes.IndexOf((byte)0) is var end and >= 0 ? end : bytes.Length)]),
        _ => Convert.ToHexStringLower(bytes),
    };

    /// <summary>An integer value of <see cref="Size"/> bytes, widened (signed types sign-extended).</summary>
    public Int128 ReadInteger(ReadOnlySpan<byte> bytes) => Name switch
    {
        "u8" => bytes[0],
        "i8" => (sbyte)bytes[0],
        "u16" => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        "i16" => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        "u32" => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        "i32" => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        "u64" => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        "i64" => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        _ => throw new UsageException($"Type {Name} is not an integer."),
    };

    /// <summary>Writes the value as a JSON number (integers) or string (the other types).</summary>
    public void WriteJsonValue(Utf8JsonWriter json, ReadOnlySpan<byte> bytes)
    {
        if (!IsInteger)
        {
            json.WriteStringValue(Format(bytes));
        }
        else if (IsSigned)
        {
            json.WriteNumberValue((long)ReadInteger(bytes));
        }
        else
        {
            json.WriteNumberValue((ulong)ReadInteger(bytes));
        }
    }
}
