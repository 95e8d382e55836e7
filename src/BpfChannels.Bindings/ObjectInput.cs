using System;
using System.Linq;

namespace BpfChannels.Bindings;

/// <summary>
/// One object as the generator's pipeline sees it: its bytes and the item metadata of its <c>BpfProgram</c>. Compared
/// by content, so an unchanged object (same bytes, same metadata) regenerates nothing.
/// </summary>
internal sealed class ObjectInput : IEquatable<ObjectInput>
{
    internal ObjectInput(string path, byte[]? bytes, string? readError, string className, string ns, string sourceName, string objectFileName, bool embedded, string recordTypes, string types)
    {
        Path = path;
        Bytes = bytes;
        ReadError = readError;
        ClassName = className;
        Namespace = ns;
        SourceName = sourceName;
        ObjectFileName = objectFileName;
        Embedded = embedded;
        RecordTypes = recordTypes;
        Types = types;
    }

    internal string Path { get; }

    internal byte[]? Bytes { get; }

    internal string? ReadError { get; }

    internal string ClassName { get; }

    internal string Namespace { get; }

    internal string SourceName { get; }

    internal string ObjectFileName { get; }

    internal bool Embedded { get; }

    internal string RecordTypes { get; }

    internal string Types { get; }

    public bool Equals(ObjectInput? other) =>
        other is not null && Path == other.Path && ReadError == other.ReadError && ClassName == other.ClassName && Namespace == other.Namespace
        && SourceName == other.SourceName && ObjectFileName == other.ObjectFileName && Embedded == other.Embedded
        && RecordTypes == other.RecordTypes && Types == other.Types
        && (Bytes == other.Bytes || (Bytes is not null && other.Bytes is not null && Bytes.SequenceEqual(other.Bytes)));

    public override bool Equals(object? obj) => Equals(obj as ObjectInput);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path) ^ (Bytes?.Length ?? 0);
}

/// <summary>The generator's result for one object: sources and diagnostics, equatable so unchanged results are not re-added.</summary>
internal sealed class GeneratedBindings : IEquatable<GeneratedBindings>
{
    internal GeneratedBindings(string path, string hintName, string? source, string? hostingSource, DiagnosticInfo[] diagnostics)
    {
        Path = path;
        HintName = hintName;
        Source = source;
        HostingSource = hostingSource;
        Diagnostics = diagnostics;
    }

    internal string Path { get; }

    internal string HintName { get; }

    internal string? Source { get; }

    internal string? HostingSource { get; }

    internal DiagnosticInfo[] Diagnostics { get; }

    public bool Equals(GeneratedBindings? other) =>
        other is not null && Path == other.Path && HintName == other.HintName && Source == other.Source && HostingSource == other.HostingSource
        && Diagnostics.SequenceEqual(other.Diagnostics);

    public override bool Equals(object? obj) => Equals(obj as GeneratedBindings);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(HintName) ^ (Source?.Length ?? 0);
}

/// <summary>A diagnostic to report against an object file.</summary>
internal sealed class DiagnosticInfo : IEquatable<DiagnosticInfo>
{
    internal DiagnosticInfo(string id, string message)
    {
        Id = id;
        Message = message;
    }

    internal string Id { get; }

    internal string Message { get; }

    public bool Equals(DiagnosticInfo? other) => other is not null && Id == other.Id && Message == other.Message;

    public override bool Equals(object? obj) => Equals(obj as DiagnosticInfo);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id + Message);
}
