using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace BpfChannels.Bindings;

/// <summary>
/// Generates a typed bindings class for every BPF object the project builds: BpfChannels.Bindings.targets adds each
/// <c>BpfProgram</c>'s object as an additional file with <c>BpfBindings=true</c> and its metadata.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BindingsGenerator : IIncrementalGenerator
{
    private const string Metadata = "build_metadata.AdditionalFiles.";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<bool> hosting = context.CompilationProvider
            .Select((compilation, _) => compilation.ReferencedAssemblyNames.Any(a => a.Name == "BpfChannels.Hosting"));
        IncrementalValueProvider<(string RootNamespace, bool Manifest)> globals = context.AnalyzerConfigOptionsProvider
            .Select((provider, _) => (
                provider.GlobalOptions.TryGetValue("build_property.RootNamespace", out string? root) ? root : string.Empty,
                provider.GlobalOptions.TryGetValue("build_property.BpfBindingsLayoutManifest", out string? manifest) && string.Equals(manifest, "true", StringComparison.OrdinalIgnoreCase)));

        IncrementalValuesProvider<ObjectInput> objects = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select((pair, cancellationToken) => ReadInput(pair.Left, pair.Right.GetOptions(pair.Left)))
            .Where(input => input is not null)!;

        IncrementalValuesProvider<GeneratedBindings> generated = objects
            .Combine(hosting)
            .Combine(globals)
            .Select((item, cancellationToken) => Generate(item.Left.Left, item.Left.Right, item.Right.RootNamespace, item.Right.Manifest));

        context.RegisterSourceOutput(generated, (output, result) =>
        {
            Location location = Location.Create(result.Path, default, default);
            foreach (DiagnosticInfo diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(Diagnostic.Create(Diagnostics.For(diagnostic.Id), location, diagnostic.Message));
            }

            if (result.Source is not null)
            {
                output.AddSource(result.HintName + ".g.cs", SourceText.From(result.Source, Encoding.UTF8));
            }

            if (result.HostingSource is not null)
            {
                output.AddSource(result.HintName + ".Hosting.g.cs", SourceText.From(result.HostingSource, Encoding.UTF8));
            }
        });
    }

    private static ObjectInput? ReadInput(AdditionalText file, AnalyzerConfigOptions options)
    {
        if (!options.TryGetValue(Metadata + "BpfBindings", out string? enabled) || !string.Equals(enabled, "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string Get(string name) => options.TryGetValue(Metadata + name, out string? value) ? value.Trim() : string.Empty;
        string objectFile = Path.GetFileName(file.Path);
        string source = Get("BpfSource");
        if (source.Length == 0)
        {
            source = objectFile.EndsWith(".o", StringComparison.Ordinal) ? objectFile.Substring(0, objectFile.Length - 2) + ".c" : objectFile;
        }

        byte[]? bytes = null;
        string? error = null;
        try
        {
            // The object is binary and AdditionalText exposes only decoded text, which would corrupt it: read the
            // bytes from its path. The targets stamp the item with the file's time so a rebuilt object is a new input.
#pragma warning disable RS1035 // File IO: the additional file is the generator's declared input.
            bytes = File.ReadAllBytes(file.Path);
#pragma warning restore RS1035
        }
        catch (IOException e)
        {
            error = e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            error = e.Message;
        }

        return new ObjectInput(file.Path, bytes, error, Get("BpfClassName"), Get("BpfNamespace"), source, objectFile,
            string.Equals(Get("BpfEmbed"), "true", StringComparison.OrdinalIgnoreCase), Get("BpfRecordTypes"), Get("BpfTypes"));
    }

    /// <summary><c>foo_bar.bpf.c</c> -> <c>FooBarBpf</c>.</summary>
    internal static string DefaultClassName(string source)
    {
        string stem = source;
        foreach (string suffix in new[] { ".c", ".bpf", ".o" })
        {
            if (stem.EndsWith(suffix, StringComparison.Ordinal))
            {
                stem = stem.Substring(0, stem.Length - suffix.Length);
            }
        }

        return Naming.Pascal(stem.Replace('.', '_').Replace('-', '_')) + "Bpf";
    }

    internal static GeneratedBindings Generate(ObjectInput input, bool hosting, string rootNamespace, bool manifest)
    {
        var options = new BindingsOptions
        {
            ClassName = input.ClassName.Length > 0 ? input.ClassName : DefaultClassName(input.SourceName),
            Namespace = input.Namespace.Length > 0 ? input.Namespace : rootNamespace,
            SourceName = input.SourceName,
            ObjectFileName = input.ObjectFileName,
            Embedded = input.Embedded,
            Hosting = hosting,
            LayoutManifest = manifest,
        };
        string hint = (options.Namespace.Length > 0 ? options.Namespace + "." : string.Empty) + options.ClassName;
        var diagnostics = new List<DiagnosticInfo>();
        if (input.Bytes is null)
        {
            diagnostics.Add(new DiagnosticInfo("BPF1002", $"The BPF object '{input.Path}' built from {input.SourceName} cannot be read: {input.ReadError}."));
            return new GeneratedBindings(input.Path, hint, null, null, diagnostics.ToArray());
        }

        foreach (string entry in input.RecordTypes.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=');
            if (eq <= 0 || eq == entry.Length - 1)
            {
                diagnostics.Add(new DiagnosticInfo("BPF1003", $"RecordTypes entry '{entry.Trim()}' of {input.SourceName} is not 'map=type'."));
                continue;
            }

            options.RecordTypes.Add(new KeyValuePair<string, string>(entry.Substring(0, eq).Trim(), entry.Substring(eq + 1).Trim()));
        }

        options.Types.AddRange(input.Types.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim()).Where(t => t.Length > 0));
        ObjectModel? model;
        try
        {
            model = ObjectModel.Read(input.Bytes);
        }
        catch (FormatException e)
        {
            diagnostics.Add(new DiagnosticInfo("BPF1002", $"The BPF object '{input.Path}' built from {input.SourceName} cannot be read: {e.Message}."));
            return new GeneratedBindings(input.Path, hint, null, null, diagnostics.ToArray());
        }

        if (model is null)
        {
            diagnostics.Add(new DiagnosticInfo("BPF1001", $"The BPF object '{input.Path}' has no BTF (.BTF section), so no bindings can be generated for {input.SourceName}: compile it with -g (BpfCFlags must keep -g)."));
            return new GeneratedBindings(input.Path, hint, null, null, diagnostics.ToArray());
        }

        var emitter = new BindingsEmitter(model, options);
        string source = emitter.Emit();
        foreach (string error in emitter.Errors)
        {
            diagnostics.Add(new DiagnosticInfo("BPF1003", error));
        }

        foreach ((string type, string reason) in emitter.Unsupported)
        {
            diagnostics.Add(new DiagnosticInfo("BPF1004", $"Type '{type}' in {input.SourceName} cannot be expressed in C#: {reason}; it is generated as raw bytes of its size."));
        }

        foreach (string clash in emitter.Clashes)
        {
            diagnostics.Add(new DiagnosticInfo("BPF1005", $"{clash} (in {input.SourceName}; rename it in C to choose the name)."));
        }

        string? hostingSource = hosting ? new HostingEmitter(options, emitter.Maps, emitter.Programs).Emit() : null;
        return new GeneratedBindings(input.Path, hint, source, hostingSource, diagnostics.ToArray());
    }
}
