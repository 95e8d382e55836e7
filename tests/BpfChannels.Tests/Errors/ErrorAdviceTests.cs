namespace BpfChannels.Tests.Errors;

/// <summary>The advice table's promises that hold for every errno, checked without the kernel.</summary>
public sealed class ErrorAdviceTests
{
    private static readonly BpfCommand[] ProgramAndObjectCommands =
        [.. Enum.GetValues<BpfCommand>().Where(c => c.IsProgramOrObject() && !c.Name().StartsWith("bpf_map__", StringComparison.Ordinal))];

    [Fact]
    public void Explain_ProgramAndObjectCommands_NeverMentionMaps()
    {
        Assert.NotEmpty(ProgramAndObjectCommands);
        foreach (BpfCommand command in ProgramAndObjectCommands)
        {
            foreach (int errno in Enumerable.Range(1, 140).Append(524))
            {
                string advice = BpfErrors.Explain(errno, command, default);
                Assert.False(advice.Contains("map", StringComparison.OrdinalIgnoreCase), $"{command.Name()} {BpfErrors.Name(errno)}: {advice}");
            }
        }
    }

    [Fact]
    public void Explain_MapContextWithoutCause_FallsBackToProcessFacts()
    {
        // A read on a read-write, unfrozen descriptor: the map's state explains nothing, so the process is examined.
        var context = new BpfErrorContext { Map = new MapAccessState(Frozen: false, ReadOnlyDescriptor: false, WriteOnlyDescriptor: false) };

        string advice = BpfErrors.Explain(1, BpfCommand.MapLookupElem, context);

        Assert.DoesNotContain("descriptor of the map was opened", advice, StringComparison.Ordinal);
        Assert.Contains("uid", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_EveryBpfErrorValue_IsTheMemberErrnoName()
    {
        foreach (BpfError error in Enum.GetValues<BpfError>().Where(e => e != BpfError.None))
        {
            Assert.StartsWith("E", error.ToErrnoName(), StringComparison.Ordinal);
            Assert.NotEqual("E" + ((int)error).ToString(System.Globalization.CultureInfo.InvariantCulture), error.ToErrnoName());
        }

        Assert.Equal("EEXIST", BpfError.AlreadyExists.ToErrnoName());
        Assert.Equal("ENOTSUPP", BpfError.NotSupported.ToErrnoName());
    }
}
