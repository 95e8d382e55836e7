namespace BpfChannels.Tool;

/// <summary>
/// Bytes in lowercase hex, as bpftool prints them in text ("2a 00 00 00") and in JSON ("0x2a"): one digit table for
/// every output, read per nibble (a literal in the executable's data, so nothing is built at start-up).
/// </summary>
internal static class HexText
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    /// <summary>Bytes as bpftool prints them in text: "2a 00 00 00".</summary>
    public static string Spaced(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        return string.Create((bytes.Length * 3) - 1, bytes, static (text, bytes) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                if (i > 0)
                {
                    text[(i * 3) - 1] = ' ';
                }

                text[i * 3] = (char)Digits[bytes[i] >> 4];
                text[(i * 3) + 1] = (char)Digits[bytes[i] & 15];
            }
        });
    }

    /// <summary>Writes the two digits of <paramref name="value"/> as UTF-8 at the start of <paramref name="destination"/>.</summary>
    public static void WriteDigits(Span<byte> destination, byte value)
    {
        destination[0] = Digits[value >> 4];
        destination[1] = Digits[value & 15];
    }
}
