using System.Runtime.InteropServices;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// BPF iterators attached with their parameters and read as a stream, text, lines and records; each read is a fresh walk.
/// Task and map iterators load on every kernel with iterators (5.8). Map element iterators are gated on
/// <see cref="BpfFeatures.GetIteratorSupport"/>: where it says the kernel loads them the walk must work, and where it
/// says the kernel refuses them, loading must fail with the refusal the probe saw, explained as the kernel's.
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

    [StructLayout(LayoutKind.Sequential)]
    private struct MapRecord
    {
        public uint Id;
        public uint MaxEntries;
    }

    private static BpfObject LoadTasks()
    {
        BpfTestEnvironment.RequireBpf();
        Assert.True(BpfFeatures.SupportsIterator("task"), BpfFeatures.GetIteratorSupport("task").Reason);
        return BpfObject.LoadFile(BpfObjectTests.ObjectPath("iter_tasks"));
    }

    [Fact]
    public void AttachIterator_TaskText_ListsThisTestProcess()
    {
        using BpfObject obj = LoadTasks();
        using BpfIterator iterator = obj.GetProgram("list_tasks").AttachIterator();

        string[] lines = iterator.ReadAllText().Split('\n');
        string self = $"{Environment.ProcessId} {Environment.ProcessId} ";
        Assert.True(lines.Any(line => line.StartsWith(self, StringComparison.Ordinal)), $"{lines.Length} lines, last {lines[^2]}, looking for {self}");
    }

    [Fact]
    public async Task AttachIterator_TaskLinesForOneProcess_ListsOnlyItsThreads()
    {
        using BpfObject obj = LoadTasks();
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
    public async Task AttachIterator_MapRecords_SeeAMapCreatedBetweenReads()
    {
        using BpfObject obj = LoadTasks();
        using BpfIterator iterator = obj.GetProgram("list_maps").AttachIterator();
        uint maxEntries = (uint)Random.Shared.Next(100_000, 200_000);
        using BpfMap created = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = (int)maxEntries, Name = "iter_probe" });

        // The walk that starts after the map exists lists it; the records are whole 8-byte structs.
        List<MapRecord> first = await ReadAll<MapRecord>(iterator);
        Assert.Contains(first, r => r.Id == created.Id && r.MaxEntries == maxEntries);

        using BpfMap later = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = (int)maxEntries + 1, Name = "iter_probe2" });
        Assert.DoesNotContain(first, r => r.Id == later.Id);
        List<MapRecord> second = await ReadAll<MapRecord>(iterator);
        Assert.Contains(second, r => r.Id == later.Id && r.MaxEntries == maxEntries + 1);
    }

    [Fact]
    public void Open_TaskIterator_IsAForwardOnlyStreamOfText()
    {
        using BpfObject obj = LoadTasks();
        using BpfIterator iterator = obj.GetProgram("list_tasks").AttachIterator(new BpfIteratorOptions { ThreadId = Environment.ProcessId });
        using Stream stream = iterator.Open();
        using var reader = new StreamReader(stream);

        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        string text = reader.ReadToEnd();

        // One thread asked for, one line: the main thread, whose id is the process id.
        Assert.StartsWith($"{Environment.ProcessId} {Environment.ProcessId} ", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task AttachIterator_MapElements_WalksTheMapAfreshEachReadWhereTheKernelLoadsThem()
    {
        BpfTestEnvironment.RequireBpf();
        BpfFeatureStatus support = BpfFeatures.GetIteratorSupport("bpf_map_elem");
        string path = BpfObjectTests.ObjectPath("iter_map_elements");
        if (!support.IsSupported)
        {
            // The object's load is refused as the probe was: same errno, explained as the kernel's, the program named.
            BpfException refused = Assert.ThrowsAny<BpfException>(() => BpfObject.LoadFile(path));
            Assert.Equal(support.Errno, refused.Errno);
            Assert.Contains("dump_elements", refused.Message, StringComparison.Ordinal);
            if (support.Errno == 1)
            {
                Assert.Contains("no capability is missing", refused.Message, StringComparison.Ordinal);
                Assert.Contains("SEC(\"iter/bpf_map_elem\")", refused.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("run it as root", refused.Message, StringComparison.Ordinal);
            }

            return;
        }

        using BpfObject obj = BpfObject.LoadFile(path);
        BpfMap<uint, ulong> walked = obj.GetMap<uint, ulong>("walked");
        for (uint key = 1; key <= 5; key++)
        {
            walked[key] = key * 100;
        }

        using BpfIterator iterator = obj.GetProgram("dump_elements").AttachIterator(new BpfIteratorOptions { Map = walked.Map });
        Assert.Equal(Enumerable.Range(1, 5).ToDictionary(k => (uint)k, k => (ulong)k * 100), (await ReadAll<Element>(iterator)).ToDictionary(e => e.Key, e => e.Value));

        walked[6] = 600;
        Assert.True(walked.TryDelete(1));
        Assert.Equal([2u, 3u, 4u, 5u, 6u], (await ReadAll<Element>(iterator)).Select(e => e.Key).Order());

        BpfException e = Assert.Throws<BpfException>(() => obj.GetProgram("dump_elements").AttachIterator());
        Assert.Equal(22, e.Errno);
        Assert.Contains("BPF_LINK_CREATE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttachIterator_TwoKindsOfParameter_ThrowsBeforeAnySyscall()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.Open(BpfObjectTests.ObjectPath("iter_tasks"));
        Assert.Throws<ArgumentException>(() => obj.GetProgram("list_tasks").AttachIterator(new BpfIteratorOptions { ProcessId = 1, CgroupPath = "/sys/fs/cgroup" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => obj.GetProgram("list_tasks").AttachIterator(new BpfIteratorOptions { ThreadId = 0 }));
    }

    [Fact]
    public void Open_DisposedIterator_ThrowsObjectDisposed()
    {
        using BpfObject obj = LoadTasks();
        BpfIterator iterator = obj.GetProgram("list_tasks").AttachIterator();
        using (Stream stream = iterator.Open())
        {
            Assert.True(stream.ReadByte() >= 0);
        }

        iterator.Dispose();
        Assert.True(iterator.Link.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => iterator.Open());
        iterator.Dispose();
    }

    private static async Task<List<T>> ReadAll<T>(BpfIterator iterator)
        where T : unmanaged
    {
        var records = new List<T>();
        await foreach (T record in iterator.ReadRecordsAsync<T>(TestContext.Current.CancellationToken))
        {
            records.Add(record);
        }

        return records;
    }
}
