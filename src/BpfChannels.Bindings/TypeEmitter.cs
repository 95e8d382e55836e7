using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace BpfChannels.Bindings;

/// <summary>
/// Turns BTF types into blittable C# types whose size and field offsets are the C compiler's: structs and unions
/// with explicit layout, fixed arrays as <c>[InlineArray]</c> structs, enums with the C size, bitfields as
/// properties. Types are emitted on first reference, in a deterministic order.
/// </summary>
internal sealed partial class TypeEmitter
{
    private readonly ObjectModel _model;
    private readonly NameScope _scope;
    private readonly Dictionary<int, string> _named = new Dictionary<int, string>();
    private readonly Dictionary<string, string> _arrays = new Dictionary<string, string>();
    private readonly Queue<(int Id, string Name, string CType)> _pending = new Queue<(int, string, string)>();
    private readonly StringBuilder _out = new StringBuilder();
    private readonly StringBuilder _arrayOut = new StringBuilder();
    private readonly string _source;

    internal TypeEmitter(ObjectModel model, NameScope scope, string source, bool layoutManifest)
    {
        _model = model;
        _scope = scope;
        _source = source;
        LayoutManifest = layoutManifest ? new List<string>() : null;
    }

    /// <summary>Types that could not be expressed (reported as BPF1004 warnings): the type's C name and why.</summary>
    internal List<(string Type, string Reason)> Unsupported { get; } = new List<(string, string)>();

    /// <summary>C names whose .NET name was taken, as messages (BPF1005).</summary>
    internal List<string> Clashes { get; } = new List<string>();

    /// <summary>With <c>BpfBindingsLayoutManifest</c>: one C# tuple expression per checked size or offset.</summary>
    internal List<string>? LayoutManifest { get; }

    /// <summary>The C# code of every type emitted so far (after <see cref="Flush"/>).</summary>
    internal string Code => _out.ToString() + _arrayOut.ToString();

    /// <summary>
    /// The C# type for BTF type <paramref name="id"/>; an anonymous struct, union or enum is named
    /// <paramref name="hint"/>, and <paramref name="cValue"/> is a C expression of a value of the type (the layout manifest names anonymous types as <c>__typeof__</c> of it).
    /// </summary>
    internal string Ref(int id, string hint, string cValue)
    {
        BtfType t = _model.Types[id];
        switch (t.Kind)
        {
            case BtfKind.Const:
            case BtfKind.Volatile:
            case BtfKind.Restrict:
            case BtfKind.TypeTag:
                return Ref((int)t.SizeOrType, hint, cValue);
            case BtfKind.Typedef:
                BtfType target = _model.Resolve(id);
                if (target.Name.Length == 0 && target.Kind is BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64)
                {
                    return Named(target, Naming.Pascal(t.Name), t.Name);
                }

                return Ref((int)t.SizeOrType, hint, cValue);
            case BtfKind.Int:
                return IntType(t);
            case BtfKind.Ptr:
                return "ulong";
            case BtfKind.Float when t.SizeOrType == 4:
                return "float";
            case BtfKind.Float when t.SizeOrType == 8:
                return "double";
            case BtfKind.Array:
                return ArrayType(t, hint, cValue);
            case BtfKind.Struct:
            case BtfKind.Union:
                if (t.SizeOrType == 0)
                {
                    return Raw(t, hint, 0, "it is empty (size 0), which C# cannot lay out");
                }

                return Named(t, t.Name.Length > 0 ? Naming.Pascal(t.Name) : hint, t.Name.Length > 0 ? Keyword(t) + " " + t.Name : "__typeof__(" + cValue + ")");
            case BtfKind.Enum:
            case BtfKind.Enum64:
                if (t.SizeOrType is not (1 or 2 or 4 or 8))
                {
                    return Raw(t, hint, (int)t.SizeOrType, $"it is a {t.SizeOrType}-byte enum");
                }

                return Named(t, t.Name.Length > 0 ? Naming.Pascal(t.Name) : hint, t.Name.Length > 0 ? "enum " + t.Name : "__typeof__(" + cValue + ")");
            default:
                return Raw(t, hint, (int)_model.SizeOf(id), $"BTF kind {t.Kind} has no C# equivalent");
        }
    }

    /// <summary>Emits every type referenced so far (and those they reference).</summary>
    internal void Flush()
    {
        while (_pending.Count > 0)
        {
            (int id, string name, string cType) = _pending.Dequeue();
            BtfType t = _model.Types[id];
            if (t.Kind is BtfKind.Enum or BtfKind.Enum64)
            {
                EmitEnum(t, name, cType);
            }
            else
            {
                EmitStruct(t, name, cType);
            }
        }
    }

    internal static string Keyword(BtfType t) => t.Kind == BtfKind.Union ? "union" : "struct";

    internal static string IntType(BtfType t)
    {
        bool signed = (t.IntEncoding & 1) != 0;
        if ((t.IntEncoding & 4) != 0 && t.SizeOrType == 1)
        {
            return "bool";
        }

        if ((t.IntEncoding & 2) != 0 || t.Name == "char")
        {
            return "byte";
        }

        switch (t.SizeOrType)
        {
            case 1: return signed ? "sbyte" : "byte";
            case 2: return signed ? "short" : "ushort";
            case 4: return signed ? "int" : "uint";
            case 8: return signed ? "long" : "ulong";
            default: return signed ? "global::System.Int128" : "global::System.UInt128";
        }
    }

    private static string TypeNamePart(string csType)
    {
        switch (csType)
        {
            case "bool": return "Boolean";
            case "byte": return "Byte";
            case "sbyte": return "SByte";
            case "short": return "Int16";
            case "ushort": return "UInt16";
            case "int": return "Int32";
            case "uint": return "UInt32";
            case "long": return "Int64";
            case "ulong": return "UInt64";
            case "float": return "Single";
            case "double": return "Double";
            case "global::System.Int128": return "Int128";
            case "global::System.UInt128": return "UInt128";
            default: return csType;
        }
    }

    private string Named(BtfType t, string name, string cType)
    {
        if (_named.TryGetValue(t.Id, out string? existing))
        {
            return existing;
        }

        string claimed = _scope.Claim(name, cType, "C type '{0}'", Clashes);
        _named.Add(t.Id, claimed);
        _pending.Enqueue((t.Id, claimed, cType));
        return claimed;
    }

    private string ArrayType(BtfType t, string hint, string cValue)
    {
        if (t.ArrayLength == 0)
        {
            return Raw(t, hint, 0, "it is a flexible (zero-length) array");
        }

        string element = Ref(t.ArrayElement, hint + "Element", "(" + cValue + ")[0]");
        string key = element + "[" + t.ArrayLength.ToString(CultureInfo.InvariantCulture) + "]";
        if (_arrays.TryGetValue(key, out string? existing))
        {
            return existing;
        }

        string name = _scope.Claim(TypeNamePart(element) + "Array" + t.ArrayLength.ToString(CultureInfo.InvariantCulture));
        _arrays.Add(key, name);
        EmitArray(name, element, t.ArrayLength);
        return name;
    }

    /// <summary>The documented fallback for what C# cannot express: the same number of raw bytes.</summary>
    private string Raw(BtfType t, string hint, int size, string reason)
    {
        string cName = t.Name.Length > 0 ? t.Name : hint;
        Unsupported.Add((cName, reason));
        if (size <= 0)
        {
            return string.Empty;
        }

        string key = "byte[" + size.ToString(CultureInfo.InvariantCulture) + "]";
        if (!_arrays.TryGetValue(key, out string? name))
        {
            name = _scope.Claim("ByteArray" + size.ToString(CultureInfo.InvariantCulture));
            _arrays.Add(key, name);
            EmitArray(name, "byte", (uint)size);
        }

        return name;
    }

    private void EmitArray(string name, string element, uint length)
    {
        string n = length.ToString(CultureInfo.InvariantCulture);
        _arrayOut.Append("    /// <summary>A fixed array of ").Append(n).Append(" <c>").Append(Naming.Xml(element)).AppendLine("</c>, laid out as the C array.</summary>");
        _arrayOut.Append("    [global::System.Runtime.CompilerServices.InlineArray(").Append(n).AppendLine(")]");
        _arrayOut.Append("    public struct ").AppendLine(name);
        _arrayOut.AppendLine("    {");
        _arrayOut.Append("        private ").Append(element).AppendLine(" _element0;");
        _arrayOut.AppendLine("    }");
        _arrayOut.AppendLine();
    }

    private void EmitEnum(BtfType t, string name, string cType)
    {
        bool signed = t.KindFlag;
        if (!signed && t.Kind == BtfKind.Enum)
        {
            // BTF before LLVM 15 has no signedness flag and stores values as s32: a negative one means a signed enum.
            foreach (BtfMember value in t.Members)
            {
                signed |= unchecked((int)value.Value) < 0;
            }
        }

        string underlying = t.SizeOrType switch
        {
            1 => signed ? "sbyte" : "byte",
            2 => signed ? "short" : "ushort",
            4 => signed ? "int" : "uint",
            _ => signed ? "long" : "ulong",
        };
        _out.Append("    /// <summary>C <c>").Append(Naming.Xml(cType)).Append("</c> (").Append(t.SizeOrType).AppendLine(" bytes).</summary>");
        _out.Append("    public enum ").Append(name).Append(" : ").AppendLine(underlying);
        _out.AppendLine("    {");
        var scope = new NameScope(name);
        string prefix = CommonPrefix(t.Members);
        foreach (BtfMember value in t.Members)
        {
            string member = scope.Claim(Naming.Pascal(value.Name.Substring(prefix.Length)), value.Name, "Enumerator '{0}' of " + cType, Clashes);
            _out.Append("        /// <summary>C <c>").Append(Naming.Xml(value.Name)).AppendLine("</c>.</summary>");
            _out.Append("        ").Append(member).Append(" = ").Append(EnumLiteral(value.Value, t, underlying)).AppendLine(",");
        }

        _out.AppendLine("    }");
        _out.AppendLine();
        LayoutManifest?.Add($"({Naming.Literal(cType)}, null, typeof({name}), null)");
    }

    private static string EnumLiteral(long raw, BtfType t, string underlying)
    {
        unchecked
        {
            switch (underlying)
            {
                case "sbyte": return ((sbyte)raw).ToString(CultureInfo.InvariantCulture);
                case "byte": return ((byte)raw).ToString(CultureInfo.InvariantCulture);
                case "short": return ((short)raw).ToString(CultureInfo.InvariantCulture);
                case "ushort": return ((ushort)raw).ToString(CultureInfo.InvariantCulture);
                case "int": return ((int)raw).ToString(CultureInfo.InvariantCulture);
                case "uint": return ((uint)raw).ToString(CultureInfo.InvariantCulture) + "U";
                case "long":
                    long value = t.Kind == BtfKind.Enum && !t.KindFlag ? (int)raw : raw;
                    return value == long.MinValue ? "long.MinValue" : value.ToString(CultureInfo.InvariantCulture) + "L";
                default:
                    return ((ulong)(t.Kind == BtfKind.Enum ? (uint)raw : raw)).ToString(CultureInfo.InvariantCulture) + "UL";
            }
        }
    }

    /// <summary>The prefix up to and including the last underscore that every enumerator shares (<c>COLOR_RED</c>, <c>COLOR_BLUE</c> -> <c>COLOR_</c>).</summary>
    private static string CommonPrefix(List<BtfMember> values)
    {
        if (values.Count < 2)
        {
            return string.Empty;
        }

        string prefix = values[0].Name;
        foreach (BtfMember value in values)
        {
            int i = 0;
            while (i < prefix.Length && i < value.Name.Length && prefix[i] == value.Name[i])
            {
                i++;
            }

            prefix = prefix.Substring(0, i);
        }

        int cut = prefix.LastIndexOf('_');
        prefix = cut < 0 ? string.Empty : prefix.Substring(0, cut + 1);
        foreach (BtfMember value in values)
        {
            string rest = value.Name.Substring(prefix.Length);
            if (rest.Length == 0 || !char.IsLetter(rest[0]))
            {
                return string.Empty;
            }
        }

        return prefix;
    }
}

internal sealed partial class TypeEmitter
{
    /// <summary>An opaque <paramref name="size"/>-byte value (a map key or value whose definition gives only its size).</summary>
    internal string Bytes(int size)
    {
        switch (size)
        {
            case 1: return "byte";
            case 2: return "ushort";
            case 4: return "uint";
            case 8: return "ulong";
        }

        string key = "byte[" + size.ToString(CultureInfo.InvariantCulture) + "]";
        if (!_arrays.TryGetValue(key, out string? name))
        {
            name = _scope.Claim("ByteArray" + size.ToString(CultureInfo.InvariantCulture));
            _arrays.Add(key, name);
            EmitArray(name, "byte", (uint)size);
        }

        return name;
    }

    /// <summary>Finds a type by its C name: <c>struct x</c>, <c>union x</c>, <c>enum x</c>, or a bare name (struct, union, enum or typedef).</summary>
    internal int Find(string cName)
    {
        string name = cName.Trim();
        BtfKind? kind = null;
        foreach ((string prefix, BtfKind k) in new[] { ("struct ", BtfKind.Struct), ("union ", BtfKind.Union), ("enum ", BtfKind.Enum) })
        {
            if (name.StartsWith(prefix, System.StringComparison.Ordinal))
            {
                kind = k;
                name = name.Substring(prefix.Length).Trim();
            }
        }

        int fallback = -1;
        foreach (BtfType t in _model.Types)
        {
            if (t.Name != name)
            {
                continue;
            }

            if (kind is { } wanted ? t.Kind == wanted || (wanted == BtfKind.Enum && t.Kind == BtfKind.Enum64) : t.Kind is BtfKind.Struct or BtfKind.Union)
            {
                return t.Id;
            }

            if (kind is null && t.Kind is BtfKind.Enum or BtfKind.Enum64 or BtfKind.Typedef or BtfKind.Int or BtfKind.Float && fallback < 0)
            {
                fallback = t.Id;
            }
        }

        return fallback;
    }

    /// <summary>The C expression for type <paramref name="id"/> when it has a name C can use.</summary>
    internal string CName(int id)
    {
        BtfType t = _model.Types[id];
        return t.Kind switch
        {
            BtfKind.Struct or BtfKind.Union => Keyword(t) + " " + t.Name,
            BtfKind.Enum or BtfKind.Enum64 => "enum " + t.Name,
            _ => t.Name,
        };
    }
}
