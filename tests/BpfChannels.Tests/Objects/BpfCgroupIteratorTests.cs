using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>An iter/cgroup program walks from the cgroup it is attached to, in the order asked, as the hierarchy is at each read.</summary>
public sealed class BpfCgroupIteratorTests : IDisposable
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), $"bpfchannels_cgiter_{Environment.ProcessId}_{Guid.NewGuid():N}");
    private readonly string _name = $"bpfchannels_iter_{Guid.NewGuid():N}";
    private bool _mounted;

    public void Dispose()
    {
        if (_mounted)
        {
            string parent = Path.Combine(_mount, _name);
            string child = Path.Combine(parent, "child");
            if (Directory.Exists(child))
            {
                Directory.Delete(child);
            }

            if (Directory.Exists(parent))
            {
                Directory.Delete(parent);
            }

            _ = BpfTestEnvironment.Run("umount", _mount);
        }

        if (Directory.Exists(_mount))
        {
            Directory.Delete(_mount);
        }
    }

    [Fact]
    public async Task AttachIterator_CgroupDescendants_ListsParentBeforeChildAndSeesANewChild()
    {
        BpfTestEnvironment.RequireBpf();
        Assert.True(BpfFeatures.SupportsIterator("cgroup"), BpfFeatures.GetIteratorSupport("cgroup").Reason);
        string parent = MakeCgroup();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("iter_tasks"));
        using BpfIterator preOrder = obj.GetProgram("list_cgroups").AttachIterator(new BpfIteratorOptions { CgroupPath = parent, CgroupOrder = BpfCgroupIteratorOrder.DescendantsPreOrder });
        using BpfIterator self = obj.GetProgram("list_cgroups").AttachIterator(new BpfIteratorOptions { CgroupPath = parent });

        Assert.Equal([Inode(parent)], await ReadIds(preOrder));

        string child = Directory.CreateDirectory(Path.Combine(parent, "child")).FullName;
        Assert.Equal([Inode(parent), Inode(child)], await ReadIds(preOrder));
        Assert.Equal([Inode(parent)], await ReadIds(self));
    }

    [Fact]
    public void AttachIterator_CgroupPathMissing_FailsNamingThePath()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("iter_tasks"));
        string missing = Path.Combine(Path.GetTempPath(), _name, "none");

        BpfException e = Assert.Throws<BpfException>(() => obj.GetProgram("list_cgroups").AttachIterator(new BpfIteratorOptions { CgroupPath = missing }));
        Assert.Equal(2, e.Errno);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    private string MakeCgroup()
    {
        _ = Directory.CreateDirectory(_mount);
        _ = BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("mount"), "-t", "cgroup2", "none", _mount);
        _mounted = true;
        return Directory.CreateDirectory(Path.Combine(_mount, _name)).FullName;
    }

    // A cgroup's id is its kernfs node id, which cgroup2 shows as the directory's inode number.
    private static ulong Inode(string path) => ulong.Parse(BpfTestEnvironment.Run(BpfTestEnvironment.RequireTool("stat"), "-c", "%i", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<List<ulong>> ReadIds(BpfIterator iterator)
    {
        var ids = new List<ulong>();
        await foreach (ulong id in iterator.ReadRecordsAsync<ulong>(TestContext.Current.CancellationToken))
        {
            ids.Add(id);
        }

        return ids;
    }
}
