using System.Buffers.Binary;
using System.Text;
using static BpfChannels.Interop.Bpf;

namespace BpfChannels;

/// <summary>
/// Builds a small raw BTF blob describing integer key and value types, enough for maps that require BTF ids
/// (local storage maps) or that should print by type in bpftool.
/// </summary>
/// <remarks>Not thread-safe. Type ids start at 1 in the order types are added.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfBtfBuilder
{
    private readonly List<byte> _types = [];
    private readonly List<byte> _strings = [0];
    private uint _nextId = 1;

    /// <summary>Adds an integer type (BTF_KIND_INT).</summary>
    /// <param name="name">The type name, for example <c>int</c> or <c>__u64</c>.</param>
    /// <param name="size">Its size in bytes: 1, 2, 4, 8 or 16.</param>
    /// <param name="signed">Whether it is signed.</param>
    /// <returns>The new type's id.</returns>
    /// <exception cref="ArgumentException">The name is empty or the size is not a valid integer size.</exception>
    public uint AddInt(string name, int size, bool signed)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (size is not (1 or 2 or 4 or 8 or 16))
        {
            throw new ArgumentException($"BTF integers are 1, 2, 4, 8 or 16 bytes, not {size}.", nameof(size));
        }

        Span<byte> type = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(type, AddString(name));
        BinaryPrimitives.WriteUInt32LittleEndian(type[4..], BTF_KIND_INT << 24);
        BinaryPrimitives.WriteUInt32LittleEndian(type[8..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(type[12..], ((signed ? BTF_INT_SIGNED : 0) << 24) | (uint)(size * 8));
        _types.AddRange(type.ToArray());
        return _nextId++;
    }

    /// <summary>The raw BTF: header, type section, string section.</summary>
    /// <returns>The blob to pass to <see cref="BpfBtf.Load"/>.</returns>
    public byte[] Build()
    {
        const int headerLength = 24;
        byte[] blob = new byte[headerLength + _types.Count + _strings.Count];
        Span<byte> header = blob;
        BinaryPrimitives.WriteUInt16LittleEndian(header, BTF_MAGIC);
        header[2] = 1; // version
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], headerLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)_strings.Count);
        _types.CopyTo(blob, headerLength);
        _strings.CopyTo(blob, headerLength + _types.Count);
        return blob;
    }

    private uint AddString(string value)
    {
        uint offset = (uint)_strings.Count;
        _strings.AddRange(Encoding.ASCII.GetBytes(value));
        _strings.Add(0);
        return offset;
    }
}
