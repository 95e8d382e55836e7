using Microsoft.CodeAnalysis;

namespace BpfChannels.Bindings;

/// <summary>The generator's diagnostics (documented in docs/bindings.md).</summary>
internal static class Diagnostics
{
    private const string Category = "BpfChannels.Bindings";

    internal static readonly DiagnosticDescriptor NoBtf = new DiagnosticDescriptor(
        "BPF1001", "BPF object without BTF", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The bindings are generated from the object's BTF, which clang writes only with -g.");

    internal static readonly DiagnosticDescriptor Unreadable = new DiagnosticDescriptor(
        "BPF1002", "BPF object cannot be read", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    internal static readonly DiagnosticDescriptor MissingName = new DiagnosticDescriptor(
        "BPF1003", "RecordTypes or Types names something the object does not have", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    internal static readonly DiagnosticDescriptor Unsupported = new DiagnosticDescriptor(
        "BPF1004", "BTF type without a C# equivalent", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The member is generated as raw bytes of the same size (or, for a flexible array, as a constant offset).");

    internal static readonly DiagnosticDescriptor NameClash = new DiagnosticDescriptor(
        "BPF1005", "Two C names give the same .NET name", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The later C name gets a numeric suffix (_2, _3, ...), deterministically; renaming it in C picks the name instead.");

    internal static DiagnosticDescriptor For(string id) => id switch
    {
        "BPF1005" => NameClash,
        "BPF1001" => NoBtf,
        "BPF1002" => Unreadable,
        "BPF1003" => MissingName,
        _ => Unsupported,
    };
}
