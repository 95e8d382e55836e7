using System.Buffers;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>How one map's keys and values are parsed and printed: explicit types, else the map's BTF, else hex.</summary>
internal sealed class MapFormat
{
    private readonly ValueType? _key;
    private readonly ValueType? _value;
    private readonly BtfFormatter? _btf;
    private readonly BpfMapInfo _info;

    public MapFormat(BpfMapInfo info, ValueType? key, ValueType? value)
    {
        _info = info;
        key?.CheckSize(info.KeySize, "key");
        value?.CheckSize(info.ValueSize, "value");
        _key = key;
        _value = value;
        _btf = key is null || value is null ? BtfFormatter.TryLoad(info) : null;
    }

    public byte[] ParseKey(string text) => Parse(text, _key, _info.BtfKeyTypeId, _info.KeySize);

    public byte[] ParseValue(string text) => Parse(text, _value, _info.BtfValueTypeId, _info.ValueSize);

    public void WriteKey(Utf8JsonWriter json, ReadOnlySpan<byte> bytes) => Write(json, "key", bytes, _key, _info.BtfKeyTypeId);

    public void WriteValue(Utf8JsonWriter json, string property, ReadOnlySpan<byte> bytes) => Write(json, property, bytes, _value, _info.BtfValueTypeId);

    /// <summary>A key or value as one line of text (JSON for BTF-typed data).</summary>
    public string FormatKey(ReadOnlySpan<byte> bytes) => Text(bytes, _key, _info.BtfKeyTypeId);

    public string FormatValue(ReadOnlySpan<byte> bytes) => Text(bytes, _value, _info.BtfValueTypeId);

    private byte[] Parse(string text, ValueType? type, uint btfType, int size)
    {
        if (type is null && _btf is not null && btfType != 0)
        {
            int intSize = _btf.IntegerSize(btfType, out bool signed);
            if (intSize == size && size <= 8)
            {
                return ValueType.Parse((signed ? "i" : "u") + (size * 8)).ToBytes(text, size);
            }
        }

        return (type ?? ValueType.Hex).ToBytes(text, size);
    }

    private void Write(Utf8JsonWriter json, string property, ReadOnlySpan<byte> bytes, ValueType? type, uint btfType)
    {
        if (type is null && _btf is not null && btfType != 0)
        {
            json.WritePropertyName(property);
            _btf.WriteValue(json, btfType, bytes);
            return;
        }

        (type ?? ValueType.Hex).WriteJson(json, property, bytes);
    }

    private string Text(ReadOnlySpan<byte> bytes, ValueType? type, uint btfType)
    {
        if (type is null && _btf is not null && btfType != 0)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                _btf.WriteValue(json, btfType, bytes);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        return (type ?? ValueType.Hex).Format(bytes);
    }
}
