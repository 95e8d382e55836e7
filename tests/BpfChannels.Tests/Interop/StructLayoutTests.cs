using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;
using static BpfChannels.Interop.Bpf;

namespace BpfChannels.Tests.Interop;

/// <summary>Compiles a C program against the machine's linux/bpf.h and compares every interop struct with it.</summary>
public sealed class StructLayoutTests
{
    private static readonly Dictionary<string, Type> Structs = new()
    {
        ["bpf_attr_map_create"] = typeof(bpf_attr_map_create),
        ["bpf_attr_map_elem"] = typeof(bpf_attr_map_elem),
        ["bpf_attr_batch"] = typeof(bpf_attr_batch),
        ["bpf_attr_obj"] = typeof(bpf_attr_obj),
        ["bpf_attr_get_id"] = typeof(bpf_attr_get_id),
        ["bpf_attr_info"] = typeof(bpf_attr_info),
        ["bpf_attr_map_fd"] = typeof(bpf_attr_map_fd),
        ["bpf_map_info"] = typeof(bpf_map_info),
        ["bpf_prog_info"] = typeof(bpf_prog_info),
        ["bpf_link_info"] = typeof(bpf_link_info),
        ["bpf_attr_btf_load"] = typeof(bpf_attr_btf_load),
        ["bpf_btf_info"] = typeof(bpf_btf_info),
        ["statx_buf"] = typeof(BpfChannels.Interop.Libc.statx_buf),
    };

    public static IReadOnlyList<(string Struct, string Field, int Offset, int Size)> ReadCLayout(string source, string name)
    {
        string compiler = BpfTestEnvironment.RequireTool("gcc", "cc", "clang-14", "clang");
        string binary = Path.Combine(Path.GetTempPath(), $"bpfchannels_{name}_{Environment.ProcessId}");
        _ = BpfTestEnvironment.Run(compiler, "-I/usr/include/x86_64-linux-gnu", "-o", binary, Path.Combine(AppContext.BaseDirectory, source));
        try
        {
            return BpfTestEnvironment.Run(binary)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .Select(p => (p[0][..p[0].IndexOf('.')], p[0][(p[0].IndexOf('.') + 1)..], int.Parse(p[1]), int.Parse(p[2])))
                .ToList();
        }
        finally
        {
            File.Delete(binary);
        }
    }

    [Fact]
    public void AttrStructs_MatchLinuxBpfHeader() => AssertMatches(ReadCLayout("Interop/layout.c", "layout").Where(l => l.Struct != "bpf_cmd").ToList(), Structs);

    [Fact]
    public void BpfCommands_HaveTheNumbersOfLinuxBpfHeader()
    {
        var numbers = ReadCLayout("Interop/layout.c", "layout").Where(l => l.Struct == "bpf_cmd").ToDictionary(l => l.Field, l => l.Offset);
        var bpfCommands = Enum.GetValues<BpfCommand>().Where(c => c.Name().StartsWith("BPF_", StringComparison.Ordinal)).ToList();

        Assert.Equal(numbers.Count, bpfCommands.Count);
        foreach (BpfCommand command in bpfCommands)
        {
            Assert.True(numbers.TryGetValue(command.Name(), out int number), $"{command.Name()} is not printed by layout.c");
            Assert.True(number == (int)command, $"{command.Name()} is {number} in linux/bpf.h, {(int)command} in BpfCommand");
        }
    }

    /// <summary>
    /// Compares every printed struct with its C# twin: sizeof, each field's offset, and for bpf_attr families
    /// (names starting bpf_attr_) that the struct covers exactly its fields. <paramref name="renamed"/> maps
    /// "struct.cfield" to a differently named C# field (a C union member).
    /// </summary>
    internal static void AssertMatches(IReadOnlyList<(string Struct, string Field, int Offset, int Size)> layout, IReadOnlyDictionary<string, Type> structs, IReadOnlyDictionary<string, string>? renamed = null)
    {
        Assert.NotEmpty(layout);
        foreach (var group in layout.GroupBy(l => l.Struct))
        {
            Type type = structs[group.Key];
            int end = 0;
            foreach ((string _, string cField, int offset, int size) in group)
            {
                if (cField == "sizeof")
                {
                    Assert.True(Marshal.SizeOf(type) == size, $"sizeof({group.Key}) is {size} in C, {Marshal.SizeOf(type)} in C#");
                    continue;
                }

                string name = cField[(cField.LastIndexOf('.') + 1)..];
                string field = renamed?.GetValueOrDefault($"{group.Key}.{name}") ?? name;
                int csOffset = (int)Marshal.OffsetOf(type, field);
                Assert.True(offset == csOffset, $"{group.Key}.{field} is at {offset} in C, {csOffset} in C#");
                end = Math.Max(end, offset + size);
            }

            // A family struct covers exactly its fields of union bpf_attr (rounded to its alignment).
            if (group.Key.StartsWith("bpf_attr_", StringComparison.Ordinal))
            {
                int alignment = group.Any(f => f.Size == 8) ? 8 : 4;
                Assert.True((end + alignment - 1) / alignment * alignment == Marshal.SizeOf(type), $"{group.Key} is {Marshal.SizeOf(type)} bytes in C#, its fields end at {end} in C");
            }
        }
    }
}
