namespace BpfChannels.Bindings;

internal sealed partial class BindingsEmitter
{
    private void EmitPrograms()
    {
        Line("    /// <summary>The object's programs; attach one with <c>Attach()</c> (from its section name) or the attach method its type takes.</summary>");
        Line($"    {Linux}");
        Line("    public sealed class ProgramSet");
        Line("    {");
        Line($"        private readonly global::System.Func<string, {B}BpfProgram> _resolve;");
        Line();
        foreach ((_, string member, string className) in _programs)
        {
            Line($"        private {className}? _{member};");
        }

        Line();
        Line($"        internal ProgramSet(global::System.Func<string, {B}BpfProgram> resolve) => _resolve = resolve;");
        foreach ((ProgramModel program, string member, string className) in _programs)
        {
            Line();
            Line($"        /// <summary>C function <c>{Naming.Xml(program.Name)}</c> in <c>SEC(\"{Naming.Xml(program.Section)}\")</c>.</summary>");
            Line($"        public {className} {member} => _{member} ??= new {className}(_resolve({Naming.Literal(program.Name)}));");
        }

        Line();
        foreach ((ProgramModel program, string member, string className) in _programs)
        {
            ProgramEmitter.Emit(_out, program, className);
        }

        Line("    }");
        Line();
    }

    private void EmitSections()
    {
        foreach (var (section, _, className, variables) in _sections)
        {
            Line($"    /// <summary>The global variables of <c>{section.Name}</c>: before load they set the initial values{(section.IsReadOnly ? "; after load they are frozen (reading works, writing throws)" : "; after load they read and write the kernel's live values through the memory-mapped section")}.</summary>");
            Line("    /// <remarks>Reads and writes of up to 8 aligned bytes are single loads and stores; larger values can tear against a program writing concurrently.</remarks>");
            Line($"    {Linux}");
            Line($"    public sealed class {className}");
            Line("    {");
            Line($"        private readonly {B}BpfObject _obj;");
            foreach (var (_, member, type) in variables)
            {
                Line($"        private {B}BpfGlobalVariable<{type}>? _{member};");
            }

            Line();
            Line($"        internal {className}({B}BpfObject obj) => _obj = obj;");
            foreach (var (variable, member, type) in variables)
            {
                Line();
                Line($"        /// <summary>C global <c>{Naming.Xml(variable.Name)}</c> ({variable.Size} bytes at offset {variable.Offset}).</summary>");
                Line("        /// <exception cref=\"global::System.InvalidOperationException\">Written after load" + (section.IsReadOnly ? " (the section is frozen)" : " while the section is not mapped") + ".</exception>");
                Line($"        public {type} {member}");
                Line("        {");
                Line($"            get => Variable{member}.Value;");
                Line($"            set => Variable{member}.Value = value;");
                Line("        }");
                Line();
                Line($"        /// <summary>The variable behind <see cref=\"{member}\"/> (its section, offset, writability).</summary>");
                Line($"        public {B}BpfGlobalVariable<{type}> Variable{member} => _{member} ??= _obj.GetSectionVariable<{type}>({Naming.Literal(section.Name)}, {Naming.Literal(variable.Name)}, {variable.Offset});");
            }

            Line("    }");
            Line();
        }
    }

    private void EmitSupport()
    {
        Line("    private static class BindingSupport");
        Line("    {");
        Line("        internal static string Text(global::System.ReadOnlySpan<byte> bytes)");
        Line("        {");
        Line("            int end = global::System.MemoryExtensions.IndexOf(bytes, (byte)0);");
        Line("            return global::System.Text.Encoding.UTF8.GetString(end >= 0 ? bytes.Slice(0, end) : bytes);");
        Line("        }");
        Line();
        Line("        internal static global::System.ReadOnlySpan<byte> ReadOnlyBytes<T>(in T value)");
        Line("            where T : unmanaged");
        Line("            => global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref global::System.Runtime.CompilerServices.Unsafe.AsRef(in value), 1));");
        Line();
        Line("        internal static global::System.Span<byte> WritableBytes<T>(ref T value)");
        Line("            where T : unmanaged");
        Line("            => global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref value, 1));");
        Line();
        Line("        internal static ulong ReadBits(global::System.ReadOnlySpan<byte> bytes, int bitOffset, int bitSize, bool signed)");
        Line("        {");
        Line("            ulong value = (ulong)(Window(bytes, bitOffset, bitSize, out _, out _) >> (bitOffset & 7));");
        Line("            if (bitSize < 64)");
        Line("            {");
        Line("                value &= (1UL << bitSize) - 1;");
        Line("                if (signed && (value >> (bitSize - 1)) != 0)");
        Line("                {");
        Line("                    value |= ulong.MaxValue << bitSize;");
        Line("                }");
        Line("            }");
        Line();
        Line("            return value;");
        Line("        }");
        Line();
        Line("        internal static void WriteBits(global::System.Span<byte> bytes, int bitOffset, int bitSize, ulong value)");
        Line("        {");
        Line("            global::System.UInt128 window = Window(bytes, bitOffset, bitSize, out int first, out int count);");
        Line("            int shift = bitOffset & 7;");
        Line("            global::System.UInt128 mask = (bitSize < 64 ? (1UL << bitSize) - 1 : ulong.MaxValue);");
        Line("            window = (window & ~(mask << shift)) | (((global::System.UInt128)value & mask) << shift);");
        Line("            for (int i = 0; i < count; i++)");
        Line("            {");
        Line("                bytes[first + i] = (byte)(window >> (8 * i));");
        Line("            }");
        Line("        }");
        Line();
        Line("        // The bytes holding the bitfield, little-endian: bit n is bit n % 8 of byte n / 8.");
        Line("        private static global::System.UInt128 Window(global::System.ReadOnlySpan<byte> bytes, int bitOffset, int bitSize, out int first, out int count)");
        Line("        {");
        Line("            first = bitOffset >> 3;");
        Line("            count = ((bitOffset & 7) + bitSize + 7) >> 3;");
        Line("            global::System.UInt128 window = 0;");
        Line("            for (int i = count - 1; i >= 0; i--)");
        Line("            {");
        Line("                window = (window << 8) | bytes[first + i];");
        Line("            }");
        Line();
        Line("            return window;");
        Line("        }");
        Line("    }");
        Line();
    }
}
