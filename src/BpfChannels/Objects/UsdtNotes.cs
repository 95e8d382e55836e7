using System.Buffers.Binary;
using System.Text;

namespace BpfChannels;

/// <summary>One USDT probe of a binary: a <c>.note.stapsdt</c> note (sys/sdt.h's STAP_PROBE macros).</summary>
/// <param name="Provider">The provider, the first argument of DTRACE_PROBE / STAP_PROBE.</param>
/// <param name="Name">The probe's name.</param>
/// <param name="Address">The probe's address (link-time virtual address of its nop).</param>
/// <param name="Semaphore">The address of its semaphore, 0 when it has none.</param>
/// <param name="Arguments">The argument specs, for example <c>-4@%edi 8@%rsi</c>.</param>
internal readonly record struct UsdtNote(string Provider, string Name, ulong Address, ulong Semaphore, string Arguments);

/// <summary>Reads the <c>.note.stapsdt</c> notes of a 64-bit little-endian ELF binary.</summary>
internal static class UsdtNotes
{
    private const uint NT_STAPSDT = 3;

    /// <summary>The binary's USDT probes; empty when it has no .note.stapsdt section.</summary>
    /// <exception cref="ArgumentException">The file is not a 64-bit little-endian ELF file.</exception>
    internal static List<UsdtNote> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> b = bytes;
        if (!ElfFile.LooksLikeElf64(b))
        {
            throw new ArgumentException($"'{path}' is not a 64-bit little-endian ELF binary, so it has no USDT notes this library reads.", nameof(path));
        }

        ulong sectionHeaders = BinaryPrimitives.ReadUInt64LittleEndian(b[40..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(b[58..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(b[60..]);
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(b[62..]);
        if (entrySize < 64 || namesIndex >= count || sectionHeaders + (ulong)(count * entrySize) > (ulong)b.Length)
        {
            throw new ArgumentException($"'{path}' has an invalid section header table.", nameof(path));
        }

        ReadOnlySpan<byte> Header(int i) => bytes.AsSpan((int)sectionHeaders + (i * entrySize), 64);
        ReadOnlySpan<byte> Contents(ReadOnlySpan<byte> header)
        {
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
            return offset + size <= (ulong)bytes.Length ? bytes.AsSpan((int)offset, (int)size) : throw new ArgumentException($"A section of '{path}' lies outside the file.", nameof(path));
        }

        ReadOnlySpan<byte> names = Contents(Header(namesIndex));
        var notes = new List<UsdtNote>();
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = Header(i);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (nameOffset < names.Length && CString(names[(int)nameOffset..]) == ".note.stapsdt")
            {
                ReadNotes(Contents(header), notes);
            }
        }

        return notes;
    }

    private static void ReadNotes(ReadOnlySpan<byte> data, List<UsdtNote> notes)
    {
        int at = 0;
        while (at + 12 <= data.Length)
        {
            int nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);
            int descSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 4)..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 8)..]);
            int desc = at + 12 + Align4(nameSize);
            if (nameSize < 0 || descSize < 0 || desc + descSize > data.Length)
            {
                return;
            }

            if (type == NT_STAPSDT && descSize >= 27 && CString(data.Slice(at + 12, nameSize)) == "stapsdt")
            {
                ReadOnlySpan<byte> d = data.Slice(desc, descSize);
                string provider = CString(d[24..]);
                string name = CString(d[(24 + provider.Length + 1)..]);
                int argsAt = 24 + provider.Length + 1 + name.Length + 1;
                string args = argsAt < d.Length ? CString(d[argsAt..]) : string.Empty;
                notes.Add(new UsdtNote(provider, name, BinaryPrimitives.ReadUInt64LittleEndian(d), BinaryPrimitives.ReadUInt64LittleEndian(d[16..]), args));
            }

            at = desc + Align4(descSize);
        }
    }

    private static int Align4(int value) => (value + 3) & ~3;

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
