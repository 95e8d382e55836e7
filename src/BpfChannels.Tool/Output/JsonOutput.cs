using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>
/// One JSON document on standard output, written as bpftool writes its own: compact (or indented with --pretty),
/// then a newline. Large documents (a dump of 100,000 entries) go out in chunks.
/// Compact arrays of bytes are formatted straight to UTF-8 by table.
/// </summary>
internal sealed class JsonOutput : IDisposable
{
    // Written out in 64 KiB pieces: large enough for few write calls, small enough to stay off the large object heap.
    private const int ChunkBytes = 1 << 16;

    private readonly ArrayBufferWriter<byte> _buffer = new(ChunkBytes + 4096);
    private readonly TextWriter _out;

    public JsonOutput(TextWriter output, bool pretty)
    {
        _out = output;
        Writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            Indented = pretty,
            IndentSize = 4,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            SkipValidation = !pretty,
        });
    }

    public Utf8JsonWriter Writer { get; }

    /// <summary>Writes bytes as bpftool's array of "0x.." strings.</summary>
    public static void WriteHex(Utf8JsonWriter json, ReadOnlySpan<byte> bytes)
    {
        if (!json.Options.Indented)
        {
            // Compact: the whole array as one raw value, formatted by table.
            byte[]? rented = null;
            int length = HexArrayLength(bytes.Length);
            Span<byte> text = length <= 1024 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
            json.WriteRawValue(text[..WriteHexArray(text, bytes)], skipInputValidation: true);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            return;
        }

        json.WriteStartArray();
        Span<byte> one = stackalloc byte[6];
        foreach (byte b in bytes)
        {
            _ = WriteHexArray(one, new ReadOnlySpan<byte>(in b), bare: true);
            json.WriteRawValue(one, skipInputValidation: true);
        }

        json.WriteEndArray();
    }

    /// <summary>The length of <see cref="WriteHexArray"/>'s text for <paramref name="count"/> bytes.</summary>
    public static int HexArrayLength(int count) => count == 0 ? 2 : (count * 7) + 1;

    /// <summary>
    /// Formats bytes as bpftool's compact JSON array (<c>["0x2a","0x00"]</c>), or with <paramref name="bare"/> the
    /// strings alone without brackets or commas; returns the length written.
    /// </summary>
    public static int WriteHexArray(Span<byte> destination, ReadOnlySpan<byte> bytes, bool bare = false)
    {
        int at = 0;
        if (!bare)
        {
            destination[at++] = (byte)'[';
        }

        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0 && !bare)
            {
                destination[at++] = (byte)',';
            }

            destination[at] = (byte)'"';
            destination[at + 1] = (byte)'0';
            destination[at + 2] = (byte)'x';
            HexText.WriteDigits(destination[(at + 3)..], bytes[i]);
            destination[at + 5] = (byte)'"';
            at += 6;
        }

        if (!bare)
        {
            destination[at++] = (byte)']';
        }

        return at;
    }

    /// <summary>Sends what is buffered once it is large; call between entries.</summary>
    public void FlushIfLarge()
    {
        if (Writer.BytesPending + _buffer.WrittenCount >= ChunkBytes)
        {
            Flush();
        }
    }

    /// <summary>Ends the document: flushes it and writes the closing newline.</summary>
    public void Complete()
    {
        Flush();
        _out.Write('\n');
        _out.Flush();
    }

    /// <summary>Ends one document of a JSON Lines stream (watch --json): as <see cref="Complete"/>, then ready for the next.</summary>
    public void CompleteLine()
    {
        Complete();
        Writer.Reset();
    }

    public void Dispose() => Writer.Dispose();

    private void Flush()
    {
        Writer.Flush();
        if (_out is StreamWriter stream)
        {
            stream.Flush();
            stream.BaseStream.Write(_buffer.WrittenSpan);
        }
        else
        {
            _out.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        }

        _buffer.ResetWrittenCount();
    }
}
