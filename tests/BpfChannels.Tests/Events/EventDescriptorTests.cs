using BpfChannels.Events;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Events;

/// <summary>Every descriptor and mapping the event readers open is released on dispose.</summary>
[Collection(FdSensitiveCollection.Name)]
public sealed class EventDescriptorTests
{
    // Mappings of BPF maps and perf events show up as anon_inode:bpf-map and anon_inode:[perf_event]; the
    // runtime's own mappings (thread stacks, code heaps) come and go and are not counted.
    private static int Mappings() => File.ReadAllLines("/proc/self/maps").Count(l => l.Contains("bpf-map", StringComparison.Ordinal) || l.Contains("perf_event", StringComparison.Ordinal));

    [Fact]
    public void Dispose_ReadersLoopsAndStreams_CloseEveryDescriptorAndMapping()
    {
        BpfTestEnvironment.RequireBpf();

        // The first run loads assemblies (System.Reactive, channels), which the runtime keeps open.
        Scenario();
        FdCount.AssertNoLeak(Scenario);
    }

    private static void Scenario()
    {
        int mappingsBefore = Mappings();
        using (BpfMap ring = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.RingBuffer, MaxEntries = 4096 }))
        using (BpfMap user = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.UserRingBuffer, MaxEntries = 4096 }))
        using (BpfMap perf = BpfMap.Create(new BpfMapSpec { Type = BpfMapType.PerfEventArray, KeySize = 4, ValueSize = 4 }))
        using (var reader = new RingBufferReader(ring))
        using (var writer = new UserRingBufferWriter(user))
        using (var perfReader = new PerfEventArrayReader(perf))
        using (var loop = new EventLoop())
        {
            Assert.True(Mappings() >= mappingsBefore + 4 + perfReader.BufferCount, "the readers' mappings are not visible in /proc/self/maps");
            loop.Add(reader, _ => { });
            loop.Add(perfReader, _ => { });
            Assert.Equal(0, loop.PollOnce(TimeSpan.Zero));
            using (reader.Observe<long>().Subscribe(_ => { }))
            {
            }

            Assert.True(writer.TryWrite([1, 2, 3]));
            Assert.False(writer.TryReserve(4096 - 8, TimeSpan.FromMilliseconds(1), out _));
        }

        Assert.Equal(mappingsBefore, Mappings());
    }
}
