using System.Collections.Generic;

namespace BpfChannels.Bindings;

/// <summary>What the build says about one object: names, how it ships, and the types the user asks for.</summary>
internal sealed class BindingsOptions
{
    internal string ClassName { get; set; } = string.Empty;

    internal string Namespace { get; set; } = string.Empty;

    /// <summary>The source file's name, for messages and docs (<c>exec_watch.bpf.c</c>).</summary>
    internal string SourceName { get; set; } = string.Empty;

    /// <summary>The object's file name, also its resource name when embedded (<c>exec_watch.bpf.o</c>).</summary>
    internal string ObjectFileName { get; set; } = string.Empty;

    internal bool Embedded { get; set; }

    /// <summary>RecordTypes: buffer map name to C type name, in the order given.</summary>
    internal List<KeyValuePair<string, string>> RecordTypes { get; } = new List<KeyValuePair<string, string>>();

    /// <summary>Types: extra C type names to generate.</summary>
    internal List<string> Types { get; } = new List<string>();

    internal bool Hosting { get; set; }

    internal bool LayoutManifest { get; set; }
}
