using System.Collections.Generic;
using System.Globalization;

namespace BpfChannels.Bindings;

internal sealed partial class TypeEmitter
{
    private void EmitStruct(BtfType t, string name, string cType)
    {
        var scope = new NameScope(name, "Equals", "GetHashCode", "GetType", "ToString");
        _out.Append("    /// <summary>C <c>").Append(Naming.Xml(cType)).Append("</c> (").Append(t.SizeOrType).Append(" bytes), from ").Append(Naming.Xml(_source)).AppendLine(".</summary>");
        _out.Append("    [global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Explicit, Size = ").Append(t.SizeOrType).AppendLine(", Pack = 1)]");
        _out.Append("    public partial struct ").AppendLine(name);
        _out.AppendLine("    {");
        LayoutManifest?.Add($"({Naming.Literal(cType)}, null, typeof({name}), null)");
        EmitMembers(t, 0, name, cType, scope);
        _out.AppendLine("    }");
        _out.AppendLine();
    }

    /// <summary>Members of <paramref name="t"/> at <paramref name="baseBits"/>; anonymous struct and union members are flattened, as C makes their fields members of the enclosing type.</summary>
    private void EmitMembers(BtfType t, long baseBits, string owner, string cType, NameScope scope)
    {
        foreach (BtfMember m in t.Members)
        {
            BtfType resolved = _model.Resolve(m.Type);
            long bitOffset = baseBits + m.Offset;
            if (m.Name.Length == 0 && resolved.Kind is BtfKind.Struct or BtfKind.Union)
            {
                EmitMembers(resolved, bitOffset, owner, cType, scope);
                continue;
            }

            long bitSize = m.BitfieldSize;
            if (bitSize == 0 && resolved.Kind == BtfKind.Int && resolved.IntBits != resolved.SizeOrType * 8)
            {
                bitSize = resolved.IntBits;
                bitOffset += resolved.IntOffset;
            }

            string member = scope.Claim(Naming.Pascal(m.Name), m.Name, "Member '{0}' of " + cType, Clashes);
            string cMember = "((" + cType + " *)0)->" + m.Name;
            string csType = Ref(m.Type, owner + member, cMember);
            string where = bitSize > 0
                ? $"{bitSize} bits at bit {bitOffset}"
                : $"byte {bitOffset / 8}";
            _out.Append("        /// <summary>C member <c>").Append(Naming.Xml(m.Name)).Append("</c>: ").Append(where).AppendLine(".</summary>");
            if (csType.Length == 0)
            {
                _out.Append("        public const int ").Append(member).Append("Offset = ").Append(bitOffset / 8).AppendLine(";");
                continue;
            }

            if (bitSize > 0 && !(bitSize == resolved.SizeOrType * 8 && bitOffset % 8 == 0))
            {
                EmitBitfield(member, csType, resolved, bitOffset, bitSize);
                continue;
            }

            _out.Append("        [global::System.Runtime.InteropServices.FieldOffset(").Append(bitOffset / 8).AppendLine(")]");
            _out.Append("        public ").Append(csType).Append(' ').Append(member).AppendLine(";");
            if (bitSize == 0)
            {
                // C cannot take offsetof or sizeof of a bitfield, even a whole-byte one.
                LayoutManifest?.Add($"({Naming.Literal(cType)}, {Naming.Literal(m.Name)}, typeof({owner}), {Naming.Literal(member)})");
            }

            if (resolved.Kind == BtfKind.Array && _model.Resolve(resolved.ArrayElement) is { Kind: BtfKind.Int } element && IntType(element) == "byte" && ((element.IntEncoding & 2) != 0 || element.Name == "char"))
            {
                string accessor = scope.Claim(member + "AsString");
                _out.Append("        /// <summary><see cref=\"").Append(member).AppendLine("\"/> as a string: UTF-8 up to the first NUL.</summary>");
                _out.Append("        /// <returns>The text.</returns>").AppendLine();
                _out.Append("        public readonly string ").Append(accessor).Append("() => BindingSupport.Text(").Append(member).AppendLine(");");
            }
        }
    }

    private void EmitBitfield(string member, string csType, BtfType resolved, long bitOffset, long bitSize)
    {
        bool signed = resolved.Kind == BtfKind.Int ? (resolved.IntEncoding & 1) != 0 : resolved.KindFlag;
        string at = bitOffset.ToString(CultureInfo.InvariantCulture) + ", " + bitSize.ToString(CultureInfo.InvariantCulture);
        string read = "BindingSupport.ReadBits(BindingSupport.ReadOnlyBytes(in this), " + at + ", " + (signed ? "true" : "false") + ")";
        string get = csType == "bool" ? read + " != 0" : "unchecked((" + csType + ")" + read + ")";
        string value = csType == "bool" ? "(value ? 1UL : 0UL)" : resolved.Kind == BtfKind.Int ? "unchecked((ulong)value)" : "unchecked((ulong)value)";
        _out.Append("        public ").Append(csType).Append(' ').AppendLine(member);
        _out.AppendLine("        {");
        _out.Append("            readonly get => ").Append(get).AppendLine(";");
        _out.Append("            set => BindingSupport.WriteBits(BindingSupport.WritableBytes(ref this), ").Append(at).Append(", ").Append(value).AppendLine(");");
        _out.AppendLine("        }");
    }
}
