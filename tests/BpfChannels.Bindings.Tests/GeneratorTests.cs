using System.Collections.Immutable;
using BpfChannels.Bindings.Tests.Support;
using BpfChannels.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace BpfChannels.Bindings.Tests;

/// <summary>The generator run in-process over objects compiled for each case: diagnostics, naming, incrementality.</summary>
public sealed class GeneratorTests
{
    [Fact]
    public void Generate_ObjectWithoutBtf_ReportsErrorSayingSo()
    {
        string obj = Compile("round_trip.bpf.c", withBtf: false);

        (ImmutableArray<Diagnostic> diagnostics, _) = Run(obj, new() { ["BpfRecordTypes"] = "events=struct sample" });

        Diagnostic error = Assert.Single(diagnostics);
        Assert.Equal("BPF1001", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("no BTF", error.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("-g", error.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_RecordTypesNamingMissingMapOrType_ReportsErrorsNamingBoth()
    {
        string obj = Compile("round_trip.bpf.c", withBtf: true);

        (ImmutableArray<Diagnostic> diagnostics, _) = Run(obj, new() { ["BpfRecordTypes"] = "missing_map=struct sample,events=struct no_such_type" });

        Assert.All(diagnostics, d => Assert.Equal("BPF1003", d.Id));
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("no map 'missing_map'", StringComparison.Ordinal) && d.GetMessage().Contains("struct sample", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("no type 'struct no_such_type'", StringComparison.Ordinal) && d.GetMessage().Contains("events", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_FlexibleArrayMember_WarnsNamingTheTypeAndFallsBack()
    {
        string dir = TestPaths.TempDirectory("bindings-gen");
        string source = Path.Combine(dir, "flex.bpf.c");
        File.WriteAllText(source, """
            #include "bpfchannels.h"
            struct with_tail { __u32 count; __u64 items[]; };
            struct with_tail *keep;
            struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct with_tail); } tails SEC(".maps");
            """);
        string obj = CompileFile(source, withBtf: true);

        (ImmutableArray<Diagnostic> diagnostics, string code) = Run(obj, []);

        Diagnostic warning = Assert.Single(diagnostics);
        Assert.Equal("BPF1004", warning.Id);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("with_tailItems", warning.GetMessage().Replace("WithTail", "with_tail", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("public const int ItemsOffset = 8;", code, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Generate_NamesThatClashOnceConverted_WarnEachNamingTheCNameAndTheSuffix()
    {
        string obj = Compile("layout_corpus.bpf.c", withBtf: true);

        (ImmutableArray<Diagnostic> diagnostics, string code) = Run(obj, []);

        Diagnostic[] clashes = [.. diagnostics.Where(d => d.Id == "BPF1005")];
        Assert.All(clashes, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains(clashes, d => d.GetMessage() == "Member 'fooBar' of struct clash would be 'FooBar', which is already the C name 'foo_bar'; it is generated as 'FooBar_2' (in layout_corpus.bpf.c; rename it in C to choose the name).");
        Assert.Contains(clashes, d => d.GetMessage().StartsWith("Member 'clash' of struct clash would be 'Clash', which is already the name of the enclosing type; it is generated as 'Clash_2'", StringComparison.Ordinal));
        Assert.Equal(2, clashes.Length);
        Assert.Contains("public uint FooBar_2;", code, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_MapNamedLikeAGeneratedMember_WarnsAndSuffixesIt()
    {
        string dir = TestPaths.TempDirectory("bindings-gen");
        string source = Path.Combine(dir, "reserved.bpf.c");
        File.WriteAllText(source, """
            #include "bpfchannels.h"
            struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } dispose SEC(".maps");
            """);
        string obj = CompileFile(source, withBtf: true);

        (ImmutableArray<Diagnostic> diagnostics, string code) = Run(obj, []);

        Diagnostic clash = Assert.Single(diagnostics);
        Assert.Equal("BPF1005", clash.Id);
        Assert.StartsWith("Map 'dispose' would be 'Dispose', which is already a member the bindings generate; it is generated as 'Dispose_2'", clash.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("Dispose_2", code, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Generate_NotAnElfObject_ReportsUnreadableNamingTheFile()
    {
        string dir = TestPaths.TempDirectory("bindings-gen");
        string obj = Path.Combine(dir, "broken.bpf.o");
        File.WriteAllText(obj, "not an ELF object");

        (ImmutableArray<Diagnostic> diagnostics, string code) = Run(obj, []);

        Diagnostic error = Assert.Single(diagnostics);
        Assert.Equal("BPF1002", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(obj, error.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("cannot be read", error.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(code);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Generate_UnchangedObject_GeneratesNothingNew()
    {
        string obj = Compile("round_trip.bpf.c", withBtf: true);
        var text = new FileText(obj);
        GeneratorDriver driver = CreateDriver(text, new() { ["BpfRecordTypes"] = "events=struct sample" });
        CSharpCompilation compilation = CSharpCompilation.Create("bindings_incremental");

        driver = driver.RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Edited { }")));

        GeneratorRunResult run = Assert.Single(driver.GetRunResult().Results);
        Assert.Single(run.GeneratedSources); // no hosting source: the compilation does not reference BpfChannels.Hosting
        IEnumerable<IncrementalStepRunReason> reasons = run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(step => step.Outputs).Select(o => o.Reason);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Generate_LegacyMapsSection_TypesMapsFromTheirSizes()
    {
        string obj = CompileFile(Path.Combine(TestPaths.RepositoryRoot, "tests", "BpfChannels.Tests", "bpf", "legacy_maps.bpf.c"), withBtf: true);

        (ImmutableArray<Diagnostic> diagnostics, string code) = Run(obj, []);

        Assert.Empty(diagnostics);
        Assert.Contains("public global::BpfChannels.BpfMap<uint, uint> MyMap", code, StringComparison.Ordinal);
        Assert.Contains("public global::BpfChannels.BpfMap<uint, ulong> Counters", code, StringComparison.Ordinal);
        Assert.Contains("legacy SEC(\"maps\") definition", code, StringComparison.Ordinal);
        Assert.Contains("public CountSyscallsProgram CountSyscalls =>", code, StringComparison.Ordinal);
        Assert.Contains("public global::BpfChannels.BpfLink AttachRawTracepoint(string tracepoint)", code, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_XdpProgram_HasOnlyTheAttachMethodsItsSectionFits()
    {
        string obj = CompileFile(Path.Combine(TestPaths.RepositoryRoot, "examples", "Blocklist", "blocklist.bpf.c"), withBtf: true);

        (ImmutableArray<Diagnostic> diagnostics, string code) = Run(obj, []);

        Assert.Empty(diagnostics);
        Assert.Contains("public global::BpfChannels.BpfLink AttachXdp(string interfaceName)", code, StringComparison.Ordinal);
        Assert.DoesNotContain("AttachTracepoint(", code, StringComparison.Ordinal);
        Assert.DoesNotContain("AttachUprobe(", code, StringComparison.Ordinal);
        Assert.Contains("BpfMap<global::BpfChannels.LpmKey<uint>, byte> Blocklist", code, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count_syscalls", "CountSyscalls")]
    [InlineData("exec_event", "ExecEvent")]
    [InlineData("XDP_PASS", "XdpPass")]
    [InlineData("__u32", "U32")]
    [InlineData("fooBar", "FooBar")]
    [InlineData("_1st", "_1st")]
    [InlineData("class", "Class")]
    public void Pascal_CName_FollowsTheDocumentedRule(string c, string expected) => Assert.Equal(expected, Naming.Pascal(c));

    [Fact]
    public void DefaultClassName_BpfSource_IsPascalCasePlusBpf() => Assert.Equal("FooBarBpf", BindingsGenerator.DefaultClassName("foo_bar.bpf.c"));

    private static string Compile(string name, bool withBtf) => CompileFile(Path.Combine(TestPaths.BpfSources, name), withBtf);

    private static string CompileFile(string source, bool withBtf)
    {
        string clang = BpfTestEnvironment.RequireTool("clang-14", "clang");
        string output = Path.Combine(TestPaths.TempDirectory("bindings-gen"), Path.GetFileNameWithoutExtension(source) + ".o");
        (int exit, string errors) = withBtf ? TestPaths.CompileBpf(clang, source, output, "-g") : TestPaths.CompileBpf(clang, source, output);
        Assert.True(exit == 0, errors);
        return output;
    }

    private static (ImmutableArray<Diagnostic> Diagnostics, string Code) Run(string obj, Dictionary<string, string> metadata)
    {
        GeneratorDriver driver = CreateDriver(new FileText(obj), metadata).RunGenerators(CSharpCompilation.Create("bindings_test"));
        GeneratorRunResult run = Assert.Single(driver.GetRunResult().Results);
        return (run.Diagnostics, string.Concat(run.GeneratedSources.Select(s => s.SourceText.ToString())));
    }

    private static GeneratorDriver CreateDriver(AdditionalText text, Dictionary<string, string> metadata)
    {
        metadata["BpfBindings"] = "true";
        return CSharpGeneratorDriver.Create(
            [new BindingsGenerator().AsSourceGenerator()],
            additionalTexts: [text],
            optionsProvider: new Options(metadata),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
    }

    private sealed class Options(Dictionary<string, string> metadata) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(new() { ["build_property.RootNamespace"] = "Generated.Test" });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Values(metadata.ToDictionary(p => "build_metadata.AdditionalFiles." + p.Key, p => p.Value));
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            bool found = values.TryGetValue(key, out string? v);
            value = v ?? string.Empty;
            return found;
        }
    }
}
