using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using BpfChannels.Bindings.Tests.Support;
using BpfChannels.Tests.Support;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// The layout proof: for every generated type, the sizes and field offsets that the C# runtime gives it (Unsafe.SizeOf,
/// FieldOffset) are written as _Static_assert lines after the C source they came from, and clang -target bpf must
/// accept every one of them.
/// </summary>
public sealed class LayoutProofTests
{
    public static TheoryData<string> Objects => new() { "layout_corpus", "round_trip" };

    [Theory]
    [MemberData(nameof(Objects))]
    public void GeneratedTypes_AssertedInC_ClangAcceptsEverySizeAndOffset(string name)
    {
        string clang = BpfTestEnvironment.RequireTool("clang-14", "clang");
        (string CType, string? CMember, Type Type, string? Field)[] entries = Manifest(name);
        string dir = TestPaths.TempDirectory("bindings-layout");
        try
        {
            (string source, int assertions) = AssertionFile(name, entries);
            string path = Path.Combine(dir, name + ".layout.c");
            File.WriteAllText(path, source);
            (int exit, string errors) = TestPaths.CompileBpf(clang, path, Path.Combine(dir, "out.o"), "-g");
            Assert.True(exit == 0, $"clang rejected the C# layout of {name}:\n{errors}");
            Assert.True(assertions >= (name == "layout_corpus" ? 100 : 20), $"only {assertions} assertions for {name}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AssertionFile_OneWrongOffset_ClangRejectsIt()
    {
        string clang = BpfTestEnvironment.RequireTool("clang-14", "clang");
        (string CType, string? CMember, Type Type, string? Field)[] entries = Manifest("layout_corpus");
        string dir = TestPaths.TempDirectory("bindings-layout");
        try
        {
            (string source, _) = AssertionFile("layout_corpus", entries);
            source += "_Static_assert(offsetof(struct packed, wide) == 8, \"packed wide\");\n";
            string path = Path.Combine(dir, "wrong.layout.c");
            File.WriteAllText(path, source);
            (int exit, string errors) = TestPaths.CompileBpf(clang, path, Path.Combine(dir, "out.o"));
            Assert.NotEqual(0, exit);
            Assert.Contains("packed wide", errors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PackedAndAlignedStructs_SizeOf_IsTheCSize()
    {
        Assert.Equal(11, Unsafe.SizeOf<LayoutCorpusBpf.Packed>());
        Assert.Equal(24, Unsafe.SizeOf<LayoutCorpusBpf.Padded>());
        Assert.Equal(32, Unsafe.SizeOf<LayoutCorpusBpf.Aligned>());
        Assert.Equal(1, Unsafe.SizeOf<LayoutCorpusBpf.Tiny>());
        Assert.Equal(2, Unsafe.SizeOf<LayoutCorpusBpf.Small>());
        Assert.Equal(8, Unsafe.SizeOf<LayoutCorpusBpf.Big>());
        Assert.Equal(3 * 4 * 2, Unsafe.SizeOf<LayoutCorpusBpf.Int16Array4Array3>());
    }

    private static (string CType, string? CMember, Type Type, string? Field)[] Manifest(string name) => name == "layout_corpus"
        ? LayoutCorpusBpf.LayoutManifest.Entries
        : RoundTripBpf.LayoutManifest.Entries;

    private static (string Source, int Assertions) AssertionFile(string name, (string CType, string? CMember, Type Type, string? Field)[] entries)
    {
        var c = new StringBuilder();
        c.Append("#include \"").Append(name).AppendLine(".bpf.c\"");
        c.AppendLine("#define offsetof(type, member) __builtin_offsetof(type, member)");
        int count = 0;
        foreach ((string cType, string? cMember, Type type, string? field) in entries)
        {
            if (field is null)
            {
                c.AppendLine($"_Static_assert(sizeof({cType}) == {SizeOf(type)}, \"sizeof({cType}) is not the C# size {SizeOf(type)}\");");
                count++;
                continue;
            }

            FieldInfo info = type.GetField(field) ?? throw new InvalidOperationException($"{type.Name} has no field {field}");
            int offset = info.GetCustomAttribute<FieldOffsetAttribute>()!.Value;
            int size = SizeOf(info.FieldType);
            c.AppendLine($"_Static_assert(offsetof({cType}, {cMember}) == {offset}, \"offsetof({cType}, {cMember}) is not the C# offset {offset}\");");
            c.AppendLine($"_Static_assert(sizeof((({cType} *)0)->{cMember}) == {size}, \"sizeof(({cType})->{cMember}) is not the C# size {size}\");");
            count += 2;
        }

        return (c.ToString(), count);
    }

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
}
