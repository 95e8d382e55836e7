using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// BPF iterators attached with their parameters and read as text, lines and records; each read is a fresh walk.
/// Iterator programs are tracing programs: where <see cref="BpfFeatures"/> says this kernel loads those, every test
/// must pass; where it says the kernel refuses them (some hardened kernels refuse every tracing load with EPERM), the
/// test checks that the load is refused with that errno and the program named, and ends there.
/// </summary>
public sealed class BpfIteratorTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Element
    {
        public uint Key;
        public uint Pad;
        public ulong Value;
    }

    private static string ObjectPath => BpfObjectTests.ObjectPath("iterators");

    private static BpfObject? Load()
    {
        BpfTestEnvironment.RequireBpf();
        if (BpfFeatures.SupportsProgramType(BpfProgramType.Tracing))
        {
            return BpfObject.LoadFile(ObjectPath);
        }

        BpfException refused = Assert.ThrowsAny<BpfException>(() => BpfObject.LoadFile(ObjectPath));
        Assert.Equal(1, refused.Errno);
        Assert.Contains("list_tasks", refused.Message, StringComparison.Ordinal);
        return null;
    }

    [Fact]
    public void AttachIterator_TaskText_ListsThisTestProcess()
    {
        using BpfObject? obj = Load();
        if (obj is null)
        {
            return;
        }

        using BpfIterator iterator = obj.GetProgram("list_tasks").AttachIterator();

        string text = iterator.ReadAllText();
        string self = $"{Environment.ProcessId} {Environment.ProcessId} ";
        Assert.Contains(text.Split('\n'), line => line.StartsWith(self, StringComparison.Ordinal));
        Assert.Contains(text.Split('\n'), line => line.StartsWith("1 1 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttachIterator_TaskLinesForOneProcess_ListsOnlyItsThreads()
    {
        using BpfObject? obj = Load();
        if (obj is null)
        {
            return;
        }

        using BpfIterator iterator = obj.GetProgram("list_tasks").AttachIterator(new BpfIteratorOptions { ProcessId = Environment.ProcessId });

        var lines = new List<string>();
        await foreach (string line in iterator.ReadLinesAsync(TestContext.Current.CancellationToken))
        {
            lines.Add(line);
        }

        // A .NET process has several threads; every one listed is this process's.
        Assert.True(lines.Count > 1, $"only {lines.Count} threads listed for this process");
        Assert.All(lines, line => Assert.StartsWith($"{Environment.ProcessId} ", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttachIterator_MapElements_WalksTheMapAsRecordsAfreshEachRead()
    {
        using BpfObject? obj = Load();
        if (obj is null)
        {
            return;
        }

        BpfMap<uint, ulong> walked = obj.GetMap<uint, ulong>("walked");
        for (uint key = 1; key <= 5; key++)
        {
            walked[key] = key * 100;
        }

        using BpfIterator iterator = obj.GetProgram("dump_elements").AttachIterator(new BpfIteratorOptions { Map = walked.Map });
        var first = new Dictionary<uint, ulong>();
        await foreach (Element e in iterator.ReadRecordsAsync<Element>(TestContext.Current.CancellationToken))
        {
            first.Add(e.Key, e.Value);
        }

        Assert.Equal(Enumerable.Range(1, 5).ToDictionary(k => (uint)k, k => (ulong)k * 100), first);

        walked[6] = 600;
        Assert.True(walked.TryDelete(1));
        var second = new List<uint>();
        await foreach (Element e in iterator.ReadRecordsAsync<Element>(TestContext.Current.CancellationToken))
        {
            second.Add(e.Key);
        }

        Assert.Equal([2u, 3u, 4u, 5u, 6u], second.Order());
    }

    [Fact]
    public void AttachIterator_MapElementsWithoutMap_FailsWithKernelError()
    {
        using BpfObject? obj = Load();
        if (obj is null)
        {
            return;
        }

        BpfException e = Assert.Throws<BpfException>(() => obj.GetProgram("dump_elements").AttachIterator());
        Assert.Equal(22, e.Errno);
        Assert.Contains("BPF_LINK_CREATE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttachIterator_TwoKindsOfParameter_ThrowsBeforeAnySyscall()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.Open(ObjectPath);
        Assert.Throws<ArgumentException>(() => obj.GetProgram("list_tasks").AttachIterator(new BpfIteratorOptions { ProcessId = 1, CgroupPath = "/sys/fs/cgroup" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => obj.GetProgram("list_tasks").AttachIterator(new BpfIteratorOptions { ThreadId = 0 }));
    }

    [Fact]
    public void Open_DisposedIterator_ThrowsObjectDisposed()
    {
        using BpfObject? obj = Load();
        if (obj is null)
        {
            return;
        }

        BpfIterator iterator = obj.GetProgram("list_tasks").AttachIterator();
        using (Stream stream = iterator.Open())
        {
            Assert.False(stream.CanSeek);
            Assert.True(stream.ReadByte() >= 0);
        }

        iterator.Dispose();
        Assert.True(iterator.Link.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => iterator.Open());
    }
}
