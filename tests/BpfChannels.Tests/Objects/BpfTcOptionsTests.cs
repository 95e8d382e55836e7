using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>tc filters with an explicit handle and priority, as the kernel's own filter listing shows them.</summary>
public sealed class BpfTcOptionsTests
{
    [Fact]
    public void AttachTc_ExplicitHandleAndPriority_ShownInKernelFilterListing()
    {
        BpfTestEnvironment.RequireBpf();
        string tc = BpfTestEnvironment.RequireTool("tc");
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("network"));
        using var veth = new TestVethPair(withNamespace: false);

        BpfLink link = obj.GetProgram("tc_count").AttachTc(veth.HostIndex, BpfTcDirection.Egress, handle: 0x2a, priority: 77);
        Assert.Contains("handle 42, priority 77", link.Description, StringComparison.Ordinal);
        string listing = BpfTestEnvironment.Run(tc, "filter", "show", "dev", veth.HostName, "egress");
        Assert.Contains("pref 77", listing, StringComparison.Ordinal);
        Assert.Contains("handle 0x2a", listing, StringComparison.Ordinal);
        Assert.Contains("tc_count", listing, StringComparison.Ordinal);

        BpfException twice = Assert.Throws<BpfException>(() => obj.GetProgram("tc_count").AttachTc(veth.HostIndex, BpfTcDirection.Egress, handle: 0x2a, priority: 77));
        Assert.Equal(17, twice.Errno);

        link.Dispose();
        link.Dispose();
        Assert.DoesNotContain("pref 77", BpfTestEnvironment.Run(tc, "filter", "show", "dev", veth.HostName, "egress"), StringComparison.Ordinal);
    }

    [Fact]
    public void Attach_TcTargetWithDirection_AttachesThere()
    {
        BpfTestEnvironment.RequireBpf();
        string tc = BpfTestEnvironment.RequireTool("tc");
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("network"));
        using var veth = new TestVethPair(withNamespace: false);
        using (obj.GetProgram("tc_count").Attach($"{veth.HostName}:ingress"))
        {
            Assert.Contains("tc_count", BpfTestEnvironment.Run(tc, "filter", "show", "dev", veth.HostName, "ingress"), StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentException>(() => obj.GetProgram("tc_count").Attach($"{veth.HostName}:sideways"));
        Assert.Throws<ArgumentOutOfRangeException>(() => obj.GetProgram("tc_count").AttachTc(veth.HostIndex, BpfTcDirection.Ingress, priority: 70000));
    }

    [Fact]
    public void AttachTc_PriorityTaken_RefusedWithEexist()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("network"));
        using var veth = new TestVethPair(withNamespace: false);
        using BpfLink first = obj.GetProgram("tc_count").AttachTc(veth.HostIndex, BpfTcDirection.Ingress, handle: 1, priority: 5);
        using BpfLink second = obj.GetProgram("tc_count").AttachTc(veth.HostIndex, BpfTcDirection.Ingress, handle: 2, priority: 5);
        Assert.Contains("handle 2, priority 5", second.Description, StringComparison.Ordinal);
    }
}
