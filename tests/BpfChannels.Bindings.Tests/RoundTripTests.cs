using BpfChannels.Events;
using BpfChannels.Tests.Support;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// A program run with BPF_PROG_TEST_RUN writes one record with every field set to a distinct pattern into a hash map,
/// a ring buffer and .bss; the C# side reads all three through the generated types and checks every field.
/// </summary>
public sealed class RoundTripTests
{
    [Fact]
    public void WriteSample_TestRun_EveryFieldMatchesInMapRingBufferAndBss()
    {
        BpfTestEnvironment.RequireBpf();
        using RoundTripBpf bpf = RoundTripBpf.OpenAndLoad();
        using BpfRecordReader<RoundTripBpf.Sample> reader = bpf.Maps.Events.OpenReader();

        BpfTestRunResult result = bpf.Programs.WriteSample.TestRun();

        Assert.Equal(0u, result.ReturnValue);
        Assert.True(bpf.Maps.Samples.TryLookup(7u, out RoundTripBpf.Sample fromMap));
        AssertPattern(fromMap);
        var records = new List<RoundTripBpf.Sample>();
        int consumed = ((RingBufferReader)reader.Reader).Consume((in RoundTripBpf.Sample s) => records.Add(s));
        Assert.Equal(1, consumed);
        AssertPattern(Assert.Single(records));
        AssertPattern(bpf.Bss.LastSample);
        Assert.Equal(1ul, bpf.Bss.Runs);
    }

    [Fact]
    public void Bitfields_SetThroughProperties_LeaveNeighboursAlone()
    {
        var sample = new RoundTripBpf.Sample { Tag = 0xFF };
        sample.Flags = 7;
        sample.Offset = -1;
        sample.Id = 0x3FFFF;
        sample.Offset = 5;

        Assert.Equal(7u, sample.Flags);
        Assert.Equal(5, sample.Offset);
        Assert.Equal(0x3FFFFu, sample.Id);
        sample.Flags = 9; // 3 bits: keeps the low three (1)
        Assert.Equal(1u, sample.Flags);
        Assert.Equal(5, sample.Offset);
        Assert.Equal(0xFF, sample.Tag);
    }

    private static void AssertPattern(RoundTripBpf.Sample s)
    {
        Assert.Equal(0x5A, s.Tag);
        Assert.Equal(0x0123456789ABCDEFul, s.Stamp);
        Assert.Equal(-12345, s.Delta);
        Assert.Equal(5u, s.Flags);
        Assert.Equal(-1000, s.Offset);
        Assert.Equal(0x2BCDEu, s.Id);
        Assert.Equal(RoundTripBpf.Level.High, s.Level);
        Assert.Equal(0xDEADBEEFu, s.Word);
        Assert.Equal(0xEF, s.Octets[0]);
        Assert.Equal(0xDE, s.Octets[3]);
        Assert.Equal(-1, s.Pos[0].X);
        Assert.Equal(2, s.Pos[0].Y);
        Assert.Equal(0x7FFFFFFF, s.Pos[1].X);
        Assert.Equal(-0x7FFFFFFF, s.Pos[1].Y);
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal((ushort)((0x1000 * (i + 1)) + j), s.Grid[i][j]);
            }
        }

        Assert.Equal("round-trip", s.LabelAsString());
        Assert.Equal(0xFEEDFACECAFEBEEFul, s.Ptr);
    }
}
