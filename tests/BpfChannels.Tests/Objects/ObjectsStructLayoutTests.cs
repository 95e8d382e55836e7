using BpfChannels.Tests.Interop;
using static BpfChannels.Interop.Bpf;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels.Tests.Objects;

/// <summary>Every libbpf opts struct and bpf(2) attr struct of the Objects layer matches the installed C headers, field by field.</summary>
public sealed class ObjectsStructLayoutTests
{
    private static readonly Dictionary<string, Type> Structs = new()
    {
        ["bpf_object_open_opts"] = typeof(bpf_object_open_opts),
        ["bpf_uprobe_opts"] = typeof(bpf_uprobe_opts),
        ["bpf_tc_hook"] = typeof(bpf_tc_hook),
        ["bpf_tc_opts"] = typeof(bpf_tc_opts),
        ["btf_type"] = typeof(btf_type),
        ["btf_var_secinfo"] = typeof(btf_var_secinfo),
        ["bpf_attr_test_run"] = typeof(bpf_attr_test_run),
        ["bpf_attr_raw_tracepoint"] = typeof(bpf_attr_raw_tracepoint),
        ["bpf_attr_link_create"] = typeof(bpf_attr_link_create),
        ["bpf_attr_prog_load"] = typeof(bpf_attr_prog_load),
        ["bpf_attr_link_create_target"] = typeof(bpf_attr_link_create_target),
        ["bpf_attr_link_create_iter"] = typeof(bpf_attr_link_create_iter),
        ["bpf_attr_link_create_perf_event"] = typeof(bpf_attr_link_create_perf_event),
        ["bpf_attr_link_create_kprobe_multi"] = typeof(bpf_attr_link_create_kprobe_multi),
        ["bpf_attr_iter_create"] = typeof(bpf_attr_iter_create),
        ["bpf_iter_link_info"] = typeof(bpf_iter_link_info),
        ["bpf_usdt_opts"] = typeof(bpf_usdt_opts),
        ["bpf_kprobe_multi_opts"] = typeof(bpf_kprobe_multi_opts),
    };

    // C names whose C# field is named differently (a C union member, or tcx's fields over the 6.1 header's tracing member).
    private static readonly Dictionary<string, string> Renamed = new()
    {
        ["btf_type.size"] = "size_or_type",
        ["bpf_attr_link_create.target_btf_id"] = "relative_fd",
        ["bpf_attr_link_create.cookie"] = "expected_revision",
        ["bpf_iter_link_info.order"] = "cgroup_order",
        ["bpf_iter_link_info.tid"] = "task_tid",
        ["bpf_iter_link_info.pid"] = "task_pid",
        ["bpf_iter_link_info.pid_fd"] = "task_pid_fd",
    };

    [Fact]
    public void ObjectsStructs_MatchInstalledHeaders()
    {
        // The opts structs' sz is their C# size: libbpf rejects a struct that claims fields it does not know.
        var layout = StructLayoutTests.ReadCLayout("Objects/objects_layout.c", "objects_layout");
        Assert.Equal(Structs.Keys.Order(), layout.Select(l => l.Struct).Distinct().Order());
        StructLayoutTests.AssertMatches(layout, Structs, Renamed);
    }
}
