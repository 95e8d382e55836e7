using System.Text;
using static BpfChannels.Interop.Bpf;

namespace BpfChannels;

/// <summary>Creates maps with BPF_MAP_CREATE.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class KernelBpfMapFactory : BpfMapFactory
{
    public override bool IsInMemory => false;

    public override unsafe BpfMap Create(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = spec.Validate();
        if (spec.InnerMap is { IsInMemory: true })
        {
            throw new ArgumentException("A kernel map of maps needs a kernel inner map template, not an in-memory one.", nameof(spec));
        }

        bpf_attr_map_create attr = default;
        attr.map_type = (uint)spec.Type;
        attr.key_size = (uint)spec.KeySize;
        attr.value_size = (uint)spec.ValueSize;
        attr.max_entries = (uint)spec.MaxEntries;
        attr.map_flags = (uint)spec.Flags | (spec.NumaNode.HasValue ? (uint)BpfMapFlags.NumaNode : 0);
        attr.numa_node = (uint)(spec.NumaNode ?? 0);
        attr.map_ifindex = (uint)spec.InterfaceIndex;
        attr.btf_key_type_id = spec.BtfKeyTypeId;
        attr.btf_value_type_id = spec.BtfValueTypeId;
        attr.btf_vmlinux_value_type_id = spec.BtfVmlinuxValueTypeId;
        attr.map_extra = spec.MapExtra;
        if (spec.Name is { Length: > 0 } name)
        {
            Encoding.ASCII.GetBytes(name, new Span<byte>(attr.map_name, BPF_OBJ_NAME_LEN - 1));
        }

        using var inner = new HandleLease(spec.InnerMap?.Handle);
        using var btf = new HandleLease(spec.Btf);
        attr.inner_map_fd = (uint)inner.FileDescriptor;
        attr.btf_fd = (uint)btf.FileDescriptor;
        int fd = Call(bpf_cmd.BPF_MAP_CREATE, ref attr);
        if (fd < 0)
        {
            throw BpfErrors.Create(-fd, "BPF_MAP_CREATE", spec.Name ?? spec.Type.ToString());
        }

        return new KernelBpfMap(new BpfHandle(fd), spec);
    }
}
