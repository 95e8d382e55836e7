using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>A cgroup_skb/egress program on a child cgroup counts the packets a process in it sends, until disposed.</summary>
public sealed class BpfCgroupTests : IDisposable
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), $"bpfchannels_cgroup2_{Environment.ProcessId}_{Guid.NewGuid():N}");
    private bool _mounted;

    public void Dispose()
    {
        if (_mounted)
        {
            string child = Path.Combine(_mount, "child");
            if (Directory.Exists(child))
            {
                Directory.Delete(child);
            }

            _ = BpfTestEnvironment.Run("umount", _mount);
        }

        if (Directory.Exists(_mount))
        {
            Directory.Delete(_mount);
        }
    }

    private string ChildCgroup()
    {
        BpfTestEnvironment.RequireBpf();
        _ = Directory.CreateDirectory(_mount);
        _ = BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("mount"), "-t", "cgroup2", "none", _mount);
        _mounted = true;
        return Directory.CreateDirectory(Path.Combine(_mount, "child")).FullName;
    }

    /// <summary>Runs a shell in the cgroup that sends five UDP datagrams to the discard port on loopback.</summary>
    private static void SendFromCgroup(string cgroup) => _ = BpfTestEnvironment.Run(
        BpfTestEnvironment.RequireTool("bash"),
        "-c",
        $"echo $$ > {cgroup}/cgroup.procs && for i in 1 2 3 4 5; do echo x > /dev/udp/127.0.0.1/9; done");

    [Fact]
    public void AttachCgroup_EgressOfChildCgroup_CountsItsPacketsUntilDisposed()
    {
        string cgroup = ChildCgroup();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("cgroup"));
        BpfMap<uint, ulong> packets = obj.GetMap<uint, ulong>("egress_packets");

        BpfLink link = obj.GetProgram("count_egress").AttachCgroup(cgroup);
        SendFromCgroup(cgroup);
        Assert.True(packets[0] >= 5, $"{packets[0]} egress packets counted, 5 were sent");

        link.Dispose();
        link.Dispose();
        ulong detached = packets[0];
        SendFromCgroup(cgroup);
        Assert.Equal(detached, packets[0]);
    }

    [Fact]
    public void AttachCgroup_MissingDirectory_ThrowsNotFound()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("cgroup"));
        BpfException e = Assert.ThrowsAny<BpfException>(() => obj.GetProgram("count_egress").AttachCgroup("/nonexistent/cgroup"));
        Assert.Equal(BpfError.NotFound, e.Error);
        Assert.Contains("/nonexistent/cgroup", e.Message, StringComparison.Ordinal);
    }
}
