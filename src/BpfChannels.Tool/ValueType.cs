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
                        throw new UsageException($"Hex '{text}' is {raw.Length} bytes; the map needs {size} (bytes in memory order, e.g. 01000000 for u32 1).");
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
        _ => Convert.ToHexString(bytes).ToLowerInvariant(),
    };

    public void WriteJson(Utf8JsonWriter json, string property, ReadOnlySpan<byte> bytes)
    {
        switch (Name)
        {
            case "u8" or "u16" or "u32" or "u64":
                json.WriteNumber(property, ulong.Parse(Format(bytes), CultureInfo.InvariantCulture));
                break;
            case "i8" or "i16" or "i32" or "i64":
                json.WriteNumber(property, long.Parse(Format(bytes), CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(property, Format(bytes));
                break;
        }
    }
}
