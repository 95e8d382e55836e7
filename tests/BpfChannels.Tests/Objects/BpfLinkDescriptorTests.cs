using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// A link owns every descriptor its attachment opened and closes each once on dispose: the perf events of a
/// sampling link on every CPU, a tracepoint's perf event, and the descriptor each iterator read creates.
/// </summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class BpfLinkDescriptorTests
{
    [Fact]
    public void AttachPerfEvent_EveryCpu_OneLinkOwnsAPerfEventPerCpuAndClosesThemOnce()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("legacy_textbook"));
        BpfProgram program = obj.GetProgram("perf_sample");
        int cpus = Directory.GetDirectories("/sys/devices/system/cpu", "cpu*")
            .Where(d => Path.GetFileName(d)[3..] is { Length: > 0 } n && n.All(char.IsAsciiDigit))
            .Count(d => !File.Exists(Path.Combine(d, "online")) || File.ReadAllText(Path.Combine(d, "online")).Trim() == "1");
        Assert.True(cpus > 0);

        FdCount.AssertNoLeak(() =>
        {
            int before = FdCount.Current();
            BpfLink link = program.AttachPerfEvent(BpfPerfEventOptions.CpuClock(99));
            Assert.True(FdCount.Current() - before >= cpus, $"{FdCount.Current() - before} descriptors opened for {cpus} online CPUs");
            link.Dispose();
            link.Dispose();
            Assert.True(link.IsDisposed);
        });
    }

    [Fact]
    public void Attach_LegacyTracepoint_DisposeClosesItsPerfEvent()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("legacy_textbook"));
        BpfProgram program = obj.GetProgram("trace_execve");

        FdCount.AssertNoLeak(() =>
        {
            using BpfLink link = program.Attach();
            Assert.False(link.IsDisposed);
        });
    }

    [Fact]
    public void ReadAllText_RepeatedReads_CloseEachIteratorDescriptor()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("iter_tasks"));
        using BpfIterator iterator = obj.GetProgram("list_tasks").AttachIterator(new BpfIteratorOptions { ProcessId = Environment.ProcessId });

        FdCount.AssertNoLeak(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.Contains($"{Environment.ProcessId} ", iterator.ReadAllText(), StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public void GetIteratorSupport_Probes_CloseTheProgramsTheyLoad()
    {
        BpfTestEnvironment.RequireBpf();

        // Targets no other test asks about, so each call probes rather than answers from the cache.
        FdCount.AssertNoLeak(() =>
        {
            foreach (string target in new[] { "bpf_prog", "bpf_link", "ksym", "bpf_iter_no_such_target" })
            {
                BpfFeatureStatus status = BpfFeatures.GetIteratorSupport(target);
                Assert.False(string.IsNullOrEmpty(status.Reason));
            }
        });
    }
}
