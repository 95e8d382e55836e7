using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>
/// One JSON document on standard output, written as bpftool writes its own: compact (or indented with --pretty),
/// then a newline. Large documents (a dump of 100,000 entries) go out in chunks.
/// </summary>
internal sealed class JsonOutput : IDisposable
{
    private const int ChunkBytes = 1 << 20;

    // "0x00" .. "0xff" as JSON strings: bpftool's per-byte form, written raw without per-byte formatting.
    private static readonly byte[][] HexBytes = BuildHexBytes();

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
        json.WriteStartArray();
        foreach (byte b in bytes)
        {
            json.WriteRawValue(HexBytes[b], skipInputValidation: true);
        }

        json.WriteEndArray();
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

    private static byte[][] BuildHexBytes()
    {
        var table = new byte[256][];
        for (int i = 0; i < 256; i++)
        {
            table[i] = Encoding.ASCII.GetBytes($"\"0x{i:x2}\"");
        }

        return table;
    }
}
