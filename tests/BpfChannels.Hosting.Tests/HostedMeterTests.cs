using System.Diagnostics.Metrics;
using System.Threading.Channels;
using BpfChannels.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BpfChannels.Hosting.Tests;

/// <summary>
/// Tests run alone because of process-wide meter listeners: a listener sees the <c>bpfchannels.events.*</c> instruments
/// of every host and change ring that any concurrent test starts, so "one meter" can only be asserted with no other host
/// running, and a test that starts change rings would show its instruments to another test's listener.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class ProcessWideMeterCollection;

/// <summary>A hosted ring buffer's records are counted on the host's own meter.</summary>
[Collection(typeof(ProcessWideMeterCollection))]
public sealed class HostedMeterTests
{
    [Fact]
    public async Task AddRingBuffer_ProgramEmits_RecordsCountedOnTheOneHostedMeter()
    {
        BpfTestEnvironment.RequireBpf();
        await using var fixture = new HostFixture();
        fixture.Channels.AddObject("state", "hosted_state.bpf.o").AddRingBuffer<ulong>("notes");
        Meter hosted = fixture.Services.GetRequiredService<BpfChannelsMetrics>().Meter;
        long records = 0;
        long bytes = 0;
        var meters = new HashSet<Meter>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "BpfChannels" && instrument.Name.StartsWith("bpfchannels.events.", StringComparison.Ordinal))
            {
                lock (meters)
                {
                    meters.Add(instrument.Meter);
                }

                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Meter == hosted && tags.ToArray().Contains(new KeyValuePair<string, object?>("bpf.map.name", "notes")))
            {
                Interlocked.Add(ref instrument.Name == "bpfchannels.events.records" ? ref records : ref bytes, value);
            }
        });
        listener.Start();
        await fixture.StartAsync();
        BpfProgram emit = fixture.Services.GetRequiredService<BpfObjectHost>().GetObject("state").GetProgram("emit_note");
        var observed = Channel.CreateUnbounded<ulong>();
        using IDisposable subscription = fixture.Services.GetRequiredService<BpfRingBufferHost>().Observe<ulong>("notes").Subscribe(value => observed.Writer.TryWrite(value));

        for (ulong value = 1; value <= 3; value++)
        {
            var args = new SetArgs { Value = value };
            Assert.Equal(0u, emit.TestRun(ref args));
            Assert.Equal(value, await observed.Reader.NextAsync());
        }

        await TestExtensions.UntilAsync(() => Interlocked.Read(ref records) == 3, "three records were counted");
        Assert.Equal(3 * 16, Interlocked.Read(ref bytes)); // 8-byte header + 8-byte record each
        lock (meters)
        {
            Assert.Same(hosted, Assert.Single(meters)); // the channels' meter, from the host's IMeterFactory
        }
    }
}
