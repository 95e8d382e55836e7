using System;
using System.Collections.Generic;
using System.Text;

namespace BpfChannels.Bindings;

/// <summary>
/// Writes one class per program with <c>Attach()</c> (the attach point its section names), <c>TestRun</c>, and only
/// the typed attach methods that fit its section: XDP programs get <c>AttachXdp</c>, tracepoints
/// <c>AttachTracepoint</c>, and so on. It converts implicitly to the <c>BpfProgram</c> it wraps.
/// </summary>
internal static class ProgramEmitter
{
    private const string B = BindingsEmitter.B;

    /// <summary>The attach methods (signature, call) that fit a section name.</summary>
    internal static IEnumerable<(string Doc, string Signature, string Call)> AttachMethods(string section)
    {
        bool Is(params string[] prefixes)
        {
            foreach (string prefix in prefixes)
            {
                if (section == prefix || section.StartsWith(prefix + "/", StringComparison.Ordinal) || section.StartsWith(prefix + ".", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        if (Is("xdp"))
        {
            yield return ("Attaches to a network interface by index (XDP link, Linux 5.9+).", "AttachXdp(int interfaceIndex)", "AttachXdp(interfaceIndex)");
            yield return ("Attaches to a network interface by name.", "AttachXdp(string interfaceName)", "AttachXdp(interfaceName)");
        }

        if (Is("tc", "classifier", "tcx", "tc/ingress", "tc/egress"))
        {
            yield return ("Attaches as a tc classifier (clsact qdisc).", $"AttachTc(int interfaceIndex, {B}BpfTcDirection direction)", "AttachTc(interfaceIndex, direction)");
            yield return ("Attaches through tcx (Linux 6.6+).", $"AttachTcx(int interfaceIndex, {B}BpfTcDirection direction)", "AttachTcx(interfaceIndex, direction)");
        }

        if (Is("tracepoint", "tp"))
        {
            yield return ("Attaches to a tracepoint.", "AttachTracepoint(string category, string name)", "AttachTracepoint(category, name)");
        }

        if (Is("raw_tracepoint", "raw_tp", "raw_tracepoint.w", "raw_tp.w"))
        {
            yield return ("Attaches to a raw tracepoint.", "AttachRawTracepoint(string tracepoint)", "AttachRawTracepoint(tracepoint)");
        }

        if (Is("tp_btf", "fentry", "fexit", "fmod_ret", "lsm", "iter"))
        {
            yield return ("Attaches at the BTF target its section names.", "AttachTracing()", "AttachTracing()");
        }

        if (Is("uprobe", "uretprobe", "uprobe.s", "uretprobe.s"))
        {
            yield return ("Attaches to a function or offset of a binary.", "AttachUprobe(string binaryPath, string? functionName, long offset = 0, int processId = -1, bool isReturnProbe = false)", "AttachUprobe(binaryPath, functionName, offset, processId, isReturnProbe)");
        }

        if (section.StartsWith("cgroup", StringComparison.Ordinal))
        {
            yield return ("Attaches to a cgroup (a cgroup v2 directory).", "AttachCgroup(string cgroupPath)", "AttachCgroup(cgroupPath)");
        }

        if (Is("socket"))
        {
            yield return ("Attaches to a socket as its filter.", "AttachSocketFilter(global::System.Net.Sockets.Socket socket)", "AttachSocketFilter(socket)");
        }
    }

    internal static void Emit(StringBuilder o, ProgramModel program, string c)
    {
        o.AppendLine($"        /// <summary>C function <c>{Naming.Xml(program.Name)}</c> in <c>SEC(\"{Naming.Xml(program.Section)}\")</c>, with the attach methods its section fits.</summary>");
        o.AppendLine("        /// <remarks>Converts implicitly to the <see cref=\"global::BpfChannels.BpfProgram\"/> it wraps.</remarks>");
        o.AppendLine($"        public sealed class {c}");
        o.AppendLine("        {");
        o.AppendLine($"            internal {c}({B}BpfProgram program) => Program = program;");
        o.AppendLine();
        o.AppendLine("            /// <summary>The program.</summary>");
        o.AppendLine($"            public {B}BpfProgram Program {{ get; }}");
        o.AppendLine();
        o.AppendLine($"            /// <summary>The section name: <c>{Naming.Xml(program.Section)}</c>.</summary>");
        o.AppendLine($"            public const string SectionName = {Naming.Literal(program.Section)};");
        o.AppendLine();
        o.AppendLine("            /// <summary>Whether the program is loaded with the object; settable before load.</summary>");
        o.AppendLine("            public bool AutoLoad { get => Program.AutoLoad; set => Program.AutoLoad = value; }");
        o.AppendLine();
        o.AppendLine($"            /// <summary>The program as a <see cref=\"global::BpfChannels.BpfProgram\"/>.</summary>");
        o.AppendLine("            /// <param name=\"program\">The wrapper.</param>");
        o.AppendLine($"            public static implicit operator {B}BpfProgram({c} program) => program.Program;");
        o.AppendLine();
        o.AppendLine("            /// <summary>Attaches at the point the section name gives (see <see cref=\"global::BpfChannels.BpfProgram.Attach\"/>).</summary>");
        o.AppendLine("            /// <returns>The link; dispose it to detach.</returns>");
        o.AppendLine($"            public {B}BpfLink Attach() => Program.Attach();");
        foreach ((string doc, string signature, string call) in AttachMethods(program.Section))
        {
            o.AppendLine();
            o.AppendLine($"            /// <summary>{doc}</summary>");
            o.AppendLine("            /// <returns>The link; dispose it to detach.</returns>");
            o.AppendLine($"            public {B}BpfLink {signature} => Program.{call};");
        }

        o.AppendLine();
        o.AppendLine("            /// <summary>Runs the program once or more with BPF_PROG_TEST_RUN (as <see cref=\"global::BpfChannels.BpfProgram\"/>'s <c>TestRun</c>).</summary>");
        o.AppendLine("            /// <param name=\"data\">The packet data in.</param>");
        o.AppendLine("            /// <param name=\"dataOut\">Receives the packet data after the run.</param>");
        o.AppendLine("            /// <param name=\"context\">The context in.</param>");
        o.AppendLine("            /// <param name=\"contextOut\">Receives the context after the run.</param>");
        o.AppendLine("            /// <param name=\"repeat\">How many times to run.</param>");
        o.AppendLine("            /// <returns>The return value, average duration and output sizes.</returns>");
        o.AppendLine($"            public {B}BpfTestRunResult TestRun(global::System.ReadOnlySpan<byte> data = default, global::System.Span<byte> dataOut = default, global::System.ReadOnlySpan<byte> context = default, global::System.Span<byte> contextOut = default, int repeat = 1) => Program.TestRun(data, dataOut, context, contextOut, repeat);");
        o.AppendLine();
        o.AppendLine("            /// <summary>Runs the program with <paramref name=\"context\"/> as its context and reads it back.</summary>");
        o.AppendLine("            /// <typeparam name=\"TContext\">The context type.</typeparam>");
        o.AppendLine("            /// <param name=\"context\">The context, updated in place.</param>");
        o.AppendLine("            /// <returns>The program's return value.</returns>");
        o.AppendLine("            public uint TestRun<TContext>(ref TContext context) where TContext : unmanaged => Program.TestRun(ref context);");
        o.AppendLine();
        o.AppendLine("            /// <inheritdoc/>");
        o.AppendLine("            public override string ToString() => Program.ToString();");
        o.AppendLine("        }");
        o.AppendLine();
    }
}
