using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BpfChannels.Tool;

/// <summary>
/// How one map's entries are read from words and written out: keys and values as bytes (bpftool's form), plus a
/// "formatted" view from the map's BTF or from explicit --key/--value types; per-CPU values one per possible CPU.
/// </summary>
internal sealed class EntryFormat
{
    private readonly ValueType? _keyType;
    private readonly ValueType? _valueType;
    private readonly BtfFormatter? _btf;
    private byte[] _entryText = [];

    public EntryFormat(BpfMapInfo info, ValueType? keyType, ValueType? valueType)
    {
        Info = info;
        keyType?.CheckSize(info.KeySize, "key");
        valueType?.CheckSize(info.ValueSize, "value");
        _keyType = keyType;
        _valueType = valueType;
        _btf = keyType is null || valueType is null ? BtfFormatter.TryLoad(info) : null;
        PerCpu = info.Type is BpfMapType.PerCpuHash or BpfMapType.PerCpuArray or BpfMapType.LruPerCpuHash or BpfMapType.PerCpuCgroupStorage;
        Cpus = PerCpu ? BpfSystem.PossibleCpuCount : 1;
        Stride = PerCpu ? BpfMap.PerCpuStride(info.ValueSize) : info.ValueSize;
    }

    public BpfMapInfo Info { get; }

    public bool PerCpu { get; }

    public int Cpus { get; }

    /// <summary>The distance between two CPUs' values in a per-CPU buffer (the value size rounded up to 8).</summary>
    public int Stride { get; }

    public int ValueBufferSize => PerCpu ? Stride * Cpus : Info.ValueSize;

    private bool KeyFormatted => _keyType is not null || (_btf is not null && Info.BtfKeyTypeId != 0);

    private bool ValueFormatted => _valueType is not null || _btf is not null;

    private bool IsMapOfMaps => Info.Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps;

    /// <summary>One entry as bpftool -j prints it; <paramref name="extras"/> adds the short forms' fields.</summary>
    public void WriteEntry(Utf8JsonWriter json, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool extras, bool sum)
    {
        if (!json.Options.Indented && !PerCpu && !KeyFormatted && !ValueFormatted && !(extras && IsMapOfMaps))
        {
            WriteBytesEntry(json, key, value[..Info.ValueSize]);
            return;
        }

        json.WriteStartObject();
        json.WritePropertyName("key");
        JsonOutput.WriteHex(json, key);
        WriteValueBytes(json, "value", "values", value);
        if (KeyFormatted || ValueFormatted)
        {
            json.WritePropertyName("formatted");
            json.WriteStartObject();
            WriteFormattedKey(json, key);
            WriteFormattedValue(json, "value", "values", value);
            json.WriteEndObject();
        }

        if (extras)
        {
            WriteExtras(json, value, sum);
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// An entry with nothing but bytes, compact: {"key":[...],"value":[...]} formatted in one buffer and written as one
    /// raw value, the shape of nearly every large dump.
    /// </summary>
    private void WriteBytesEntry(Utf8JsonWriter json, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> keyName = "{\"key\":"u8;
        ReadOnlySpan<byte> valueName = ",\"value\":"u8;
        int length = keyName.Length + JsonOutput.HexArrayLength(key.Length) + valueName.Length + JsonOutput.HexArrayLength(value.Length) + 1;
        if (_entryText.Length < length)
        {
            _entryText = new byte[length];
        }

        Span<byte> text = _entryText;
        keyName.CopyTo(text);
        int at = keyName.Length;
        at += JsonOutput.WriteHexArray(text[at..], key);
        valueName.CopyTo(text[at..]);
        at += valueName.Length;
        at += JsonOutput.WriteHexArray(text[at..], value);
        text[at++] = (byte)'}';
        json.WriteRawValue(text[..at], skipInputValidation: true);
    }

    /// <summary>One change as a JSON object: the entry's fields, with "previous" (or "previous_values") beside them.</summary>
    public void WriteChange(Utf8JsonWriter json, MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous, bool sum)
    {
        json.WriteStartObject();
        json.WriteString("change", kind.ToString());
        json.WritePropertyName("key");
        JsonOutput.WriteHex(json, key);
        if (!value.IsEmpty)
        {
            WriteValueBytes(json, "value", "values", value);
        }

        if (!previous.IsEmpty)
        {
            WriteValueBytes(json, "previous", "previous_values", previous);
        }

        if (KeyFormatted || ValueFormatted)
        {
            json.WritePropertyName("formatted");
            json.WriteStartObject();
            WriteFormattedKey(json, key);
            if (!value.IsEmpty)
            {
                WriteFormattedValue(json, "value", "values", value);
            }

            if (!previous.IsEmpty)
            {
                WriteFormattedValue(json, "previous", "previous_values", previous);
            }

            json.WriteEndObject();
        }

        if (!value.IsEmpty)
        {
            WriteExtras(json, value, sum);
        }

        json.WriteEndObject();
    }

    /// <summary>One entry as a line of text: "KEY: VALUE", every CPU's value for per-CPU maps.</summary>
    public string Text(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sum)
    {
        string valueText = ValueText(value, sum);
        if (Info.KeySize == 0)
        {
            // A queue's or a stack's value, as bpftool prints it ("value: 01 02 03 04") unless it is typed.
            return ValueFormatted ? valueText : "value: " + valueText;
        }

        // Untyped entries read as bpftool prints them: "key: 05 00 00 00  value: 06 00 00 00".
        return KeyFormatted || ValueFormatted ? $"{KeyText(key)}: {valueText}" : $"key: {KeyText(key)}  value: {valueText}";
    }

    public string KeyText(ReadOnlySpan<byte> key) => Part(key, _keyType, Info.BtfKeyTypeId, KeyFormatted);

    public string ValueText(ReadOnlySpan<byte> value, bool sum)
    {
        if (IsMapOfMaps)
        {
            return "inner map id " + BinaryPrimitives.ReadUInt32LittleEndian(value).ToString(CultureInfo.InvariantCulture);
        }

        if (!PerCpu)
        {
            return Part(value[..Info.ValueSize], _valueType, Info.BtfValueTypeId, ValueFormatted);
        }

        var text = new StringBuilder();
        if (sum)
        {
            text.Append("sum ").Append(Sum(value).ToString(CultureInfo.InvariantCulture)).Append(" (");
        }

        for (int cpu = 0; cpu < Cpus; cpu++)
        {
            text.Append(cpu == 0 ? string.Empty : ", ").Append("cpu").Append(cpu.ToString(CultureInfo.InvariantCulture)).Append(' ');
            text.Append(Part(value.Slice(cpu * Stride, Info.ValueSize), _valueType, Info.BtfValueTypeId, ValueFormatted));
        }

        return sum ? text.Append(')').ToString() : text.ToString();
    }

    /// <summary>The sum over CPUs of an integer per-CPU value.</summary>
    public Int128 Sum(ReadOnlySpan<byte> value)
    {
        ValueType type = IntegerValueType() ?? throw new UsageException($"--sum adds integers; the values of map '{Info.Name}' are {Info.ValueSize} bytes{(_btf is null ? " without a BTF type (say which integer with --value u64)" : " of a non-integer BTF type")}.");
        Int128 total = 0;
        for (int cpu = 0; cpu < Cpus; cpu++)
        {
            total += type.ReadInteger(value.Slice(cpu * Stride, Info.ValueSize));
        }

        return total;
    }

    /// <summary>Checks up front that --sum can apply, so a watch or dump fails before it prints anything.</summary>
    public void CheckSum()
    {
        if (!PerCpu)
        {
            throw new UsageException($"--sum adds the CPUs' values of a per-CPU map; map '{Info.Name}' is {BpfMapTypeNames.GetName(Info.Type)}.");
        }

        _ = Sum(new byte[ValueBufferSize]);
    }

    public byte[] ParseKey(List<string> data) => ParseData("key", data, Info.KeySize, _keyType, Info.BtfKeyTypeId);

    /// <summary>Parses a value; for per-CPU maps it becomes every CPU's value, as bpftool does.</summary>
    public byte[] ParseValue(List<string> data)
    {
        byte[] one = ParseData("value", data, Info.ValueSize, _valueType, Info.BtfValueTypeId);
        if (!PerCpu)
        {
            return one;
        }

        byte[] all = new byte[ValueBufferSize];
        for (int cpu = 0; cpu < Cpus; cpu++)
        {
            one.CopyTo(all, cpu * Stride);
        }

        return all;
    }

    private byte[] ParseData(string what, List<string> data, int size, ValueType? type, uint btfType)
    {
        string forms = $"{size} bytes ('{what} 0x2a 0 0 0' or '{what} hex 2a 00 00 00') or one typed value";
        if (data.Count == 0)
        {
            throw new UsageException($"No {what} given: the map takes {forms}.");
        }

        if (data[0] == "hex")
        {
            return data.Count - 1 == size ? ParseBytes(what, data, 1, 16) : throw new UsageException($"The {what} needs {size} hex bytes after 'hex', got {data.Count - 1}.");
        }

        if (data.Count == size && TryParseBytes(data, out byte[] bytes))
        {
            return bytes;
        }

        if (data.Count != 1)
        {
            throw new UsageException($"The {what} is {size} bytes: give {forms}, not {data.Count} words.");
        }

        ValueType parser = type ?? BtfInteger(btfType, size) ?? ValueType.ForSize(size);
        try
        {
            return parser.ToBytes(data[0], size);
        }
        catch (UsageException e) when (type is null)
        {
            string source = btfType != 0 && _btf is not null ? "its BTF type" : $"its {size}-byte size";
            throw new UsageException($"{e.Message.TrimEnd('.')} (the {what}'s type {parser.Name}, from {source}; choose another with --{what} TYPE, or give bytes: '{what} hex 2a 00 ..').");
        }
    }

    private static byte[] ParseBytes(string what, List<string> data, int start, int radix)
    {
        byte[] bytes = new byte[data.Count - start];
        for (int i = start; i < data.Count; i++)
        {
            if (!byte.TryParse(data[i], radix == 16 ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i - start]))
            {
                throw new UsageException($"'{data[i]}' in the {what} is not a {(radix == 16 ? "hex " : string.Empty)}byte.");
            }
        }

        return bytes;
    }

    private static bool TryParseBytes(List<string> data, out byte[] bytes)
    {
        bytes = new byte[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            if (!Words.TryParseNumber(data[i], out ulong b) || b > 255)
            {
                return false;
            }

            bytes[i] = (byte)b;
        }

        return true;
    }

    private ValueType? BtfInteger(uint btfType, int size)
    {
        if (_btf is null || btfType == 0)
        {
            return null;
        }

        int intSize = _btf.IntegerSize(btfType, out bool signed);
        return intSize == size ? ValueType.ForSize(size, signed) : null;
    }

    private ValueType? IntegerValueType()
    {
        ValueType? type = _valueType ?? BtfInteger(Info.BtfValueTypeId, Info.ValueSize) ?? (_btf is null ? ValueType.ForSize(Info.ValueSize) : null);
        return type is { IsInteger: true } ? type : null;
    }

    private void WriteValueBytes(Utf8JsonWriter json, string single, string perCpu, ReadOnlySpan<byte> value) => WriteValues(json, single, perCpu, value, formatted: false);

    private void WriteFormattedKey(Utf8JsonWriter json, ReadOnlySpan<byte> key)
    {
        if (KeyFormatted)
        {
            json.WritePropertyName("key");
            WritePart(json, key, _keyType, Info.BtfKeyTypeId);
        }
    }

    private void WriteFormattedValue(Utf8JsonWriter json, string single, string perCpu, ReadOnlySpan<byte> value)
    {
        if (ValueFormatted)
        {
            WriteValues(json, single, perCpu, value, formatted: true);
        }
    }

    /// <summary>A value as bytes or formatted: one for most maps, bpftool's [{"cpu": i, "value": ...}] for per-CPU maps.</summary>
    private void WriteValues(Utf8JsonWriter json, string single, string perCpu, ReadOnlySpan<byte> value, bool formatted)
    {
        if (!PerCpu)
        {
            json.WritePropertyName(single);
            WriteSlot(json, value[..Info.ValueSize], formatted);
            return;
        }

        json.WritePropertyName(perCpu);
        json.WriteStartArray();
        for (int cpu = 0; cpu < Cpus; cpu++)
        {
            json.WriteStartObject();
            json.WriteNumber("cpu", cpu);
            json.WritePropertyName("value");
            WriteSlot(json, value.Slice(cpu * Stride, Info.ValueSize), formatted);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private void WriteSlot(Utf8JsonWriter json, ReadOnlySpan<byte> bytes, bool formatted)
    {
        if (formatted)
        {
            WritePart(json, bytes, _valueType, Info.BtfValueTypeId);
        }
        else
        {
            JsonOutput.WriteHex(json, bytes);
        }
    }

    private void WriteExtras(Utf8JsonWriter json, ReadOnlySpan<byte> value, bool sum)
    {
        if (sum && PerCpu)
        {
            Int128 total = Sum(value);
            json.WritePropertyName("sum");
            json.WriteRawValue(total.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
        }

        if (IsMapOfMaps)
        {
            json.WriteNumber("inner_map_id", BinaryPrimitives.ReadUInt32LittleEndian(value));
        }
    }

    private void WritePart(Utf8JsonWriter json, ReadOnlySpan<byte> bytes, ValueType? type, uint btfType)
    {
        if (type is not null)
        {
            type.WriteJsonValue(json, bytes);
        }
        else if (_btf is not null && btfType != 0)
        {
            _btf.WriteValue(json, btfType, bytes);
        }
        else
        {
            JsonOutput.WriteHex(json, bytes);
        }
    }

    private string Part(ReadOnlySpan<byte> bytes, ValueType? type, uint btfType, bool formatted)
    {
        if (!formatted || (type is null && btfType == 0))
        {
            return HexText.Spaced(bytes);
        }

        if (type is not null)
        {
            return type.Format(bytes);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            _btf!.WriteValue(json, btfType, bytes);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
