using System.Runtime.InteropServices;
using BpfChannels.Tests.Interop;
using static BpfChannels.Interop.Interop.Bpf;
using static BpfChannels.Interop.Interop.Libbpf;

namespace BpfChannels.Tests.Objects;

/// <summary>Every libbpf opts struct and bpf(2) attr struct of the Objects layer matches the installed C headers, field by field.</summary>
public sealed class ObjectsStructLayoutTests
{
    private static readonly Dictionary<string, Type> Structs = new()
    {
        ["bpf_object_open_opts"] = typeof(bpf_object_open_opts),
        ["btf_type"] = typeof(btf_type),
        ["btf_var_secinfo"] = typeof(btf_var_secinfo),
        ["bpf_attr_test_run"] = typeof(bpf_attr_test_run),
        ["bpf_attr_raw_tracepoint"] = typeof(bpf_attr_raw_tracepoint),
        ["bpf_attr_prog_load"] = typeof(bpf_attr_prog_load),
    };

    // C names whose C# field is named differently (a C union member).
    private static readonly Dictionary<string, string> Renamed = new() { ["btf_type.size"] = "size_or_type" };

    [Fact]
    public void ObjectsStructs_MatchInstalledHeaders()
    {
        var layout = StructLayoutTests.ReadCLayout("Objects/objects_layout.c", "objects_layout");
        Assert.Equal(Structs.Keys.Order(), layout.Select(l => l.Struct).Distinct().Order());
        foreach (var group in layout.GroupBy(l => l.Struct))
        {
            Type type = Structs[group.Key];
            int end = 0;
            foreach ((string _, string cField, int offset, int size) in group)
            {
                if (cField == "sizeof")
                {
                    // The opts struct's sz is this size: libbpf rejects a struct that claims fields it does not know.
                    Assert.True(Marshal.SizeOf(type) == size, $"sizeof({group.Key}) is {size} in C, {Marshal.SizeOf(type)} in C#");
                    continue;
                }

                string name = cField[(cField.LastIndexOf('.') + 1)..];
                string field = Renamed.GetValueOrDefault($"{group.Key}.{name}", name);
                int csOffset = (int)Marshal.OffsetOf(type, field);
                Assert.True(offset == csOffset, $"{group.Key}.{field} is at {offset} in C, {csOffset} in C#");
                end = Math.Max(end, offset + size);
            }

            if (group.Key.StartsWith("bpf_attr_", StringComparison.Ordinal))
            {
                int alignment = group.Any(f => f.Size == 8) ? 8 : 4;
                Assert.True((end + alignment - 1) / alignment * alignment == Marshal.SizeOf(type), $"{group.Key} is {Marshal.SizeOf(type)} bytes in C#, its fields end at {end} in C");
            }
        }
    }
}
