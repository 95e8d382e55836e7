using System.Buffers.Text;
using System.Text;

namespace BpfChannels;

/// <summary>
/// What Linux shows in <c>/proc/self/fdinfo</c> for a BPF descriptor, read once: a map's <c>map_type</c>, <c>frozen</c>
/// and <c>memlock</c>, a program array's <c>owner_prog_type</c>, a program's <c>prog_type</c> and <c>prog_tag</c>, a
/// link's <c>link_type</c>, a BTF object's <c>btf_id</c>, and the descriptor's own <c>flags</c> (octal).
/// </summary>
/// <remarks>
/// The file is read whole by one <see cref="Read"/>; the lookups parse that copy, so fields read together are from the
/// same moment. Immutable after <see cref="Read"/>: safe to use from any thread. Which fields appear depends on the
/// kernel and the object's kind; a missing field is <see langword="null"/>.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfFdInfo
{
    private readonly byte[] _text;

    internal BpfFdInfo(byte[] text)
    {
        _text = text;
    }

    /// <summary>Reads the fdinfo of the descriptor behind <paramref name="handle"/>.</summary>
    /// <param name="handle">A BPF descriptor (map, program, link or BTF object); held open while it is read.</param>
    /// <returns>The fields as the kernel showed them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    /// <exception cref="IOException">/proc/self/fdinfo cannot be read (procfs not mounted, or the descriptor is not open), with the errno.</exception>
    public static BpfFdInfo Read(BpfHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        int errno = Interop.Libc.ReadFdInfo(handle, out byte[] text);
        return errno == 0
            ? new BpfFdInfo(text)
            : throw new IOException($"/proc/self/fdinfo/{handle.FileDescriptor} cannot be read ({BpfErrors.Name(errno)}: {Interop.Errno.Meaning(errno)}); is procfs mounted at /proc?", errno);
    }

    /// <summary>The value of <paramref name="field"/> with the blanks around it removed, or <see langword="null"/> when the kernel did not show it.</summary>
    /// <param name="field">The field's name as the kernel writes it before the colon (<c>memlock</c>).</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="field"/> is empty.</exception>
    public string? GetValue(string field)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        return Find(field, out ReadOnlySpan<byte> value) ? ToText(value) : null;
    }

    /// <summary>The value of <paramref name="field"/> as a decimal number (<c>memlock</c>, <c>map_type</c>, <c>frozen</c>).</summary>
    /// <param name="field">The field's name as the kernel writes it before the colon.</param>
    /// <param name="value">The number, or 0.</param>
    /// <returns>Whether the field is there and is a decimal number that fits.</returns>
    /// <exception cref="ArgumentException"><paramref name="field"/> is empty.</exception>
    public bool TryGetNumber(string field, out long value)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        value = 0;
        return Find(field, out ReadOnlySpan<byte> text) && TryParseDecimal(text, out value);
    }

    /// <summary>The file's text as the kernel wrote it.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ToText(_text);

    private bool Find(string field, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> rest = _text;
        while (!rest.IsEmpty)
        {
            int newline = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? default : rest[(newline + 1)..];
            if (line.Length > field.Length && line[field.Length] == (byte)':' && Ascii.Equals(line[..field.Length], field))
            {
                value = line[(field.Length + 1)..].Trim(" \t\r"u8);
                return true;
            }
        }

        value = default;
        return false;
    }

    // A whole decimal number and nothing else: Utf8Parser stops at the first byte that is not part of one (and says
    // false on overflow), so a number followed by more text is refused by the length check. fdinfo never writes a
    // plus sign, and a value such as "+1" is not what the kernel shows, so it is refused as before.
    private static bool TryParseDecimal(ReadOnlySpan<byte> text, out long value)
    {
        if (!text.IsEmpty && text[0] == (byte)'+')
        {
            value = 0;
            return false;
        }

        if (Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length)
        {
            return true;
        }

        value = 0;
        return false;
    }

    // fdinfo is ASCII; anything else is kept byte for byte (as Latin-1, which maps each byte to the char of that value) rather than decoded.
    private static string ToText(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
